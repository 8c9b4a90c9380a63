using Bulwark.Data;
using System.Globalization;
using Bulwark.EventSourcing;
using Shop.Infrastructure.Api;
using Shop.Orders.Contracts;
using Shop.Infrastructure.EventSourcing;
using Shop.Infrastructure.Data;

namespace Shop.Orders.History;

/// <summary>
/// The order history read model (<c>orders_history</c>), built only from the event log. Idempotent: a row keeps the
/// stream version it last applied, so a batch delivered twice changes nothing. Rebuilt beside the live table
/// (<c>orders_history_rebuild</c>) and swapped in, so a customer's history never looks empty during a rebuild.
/// </summary>
internal sealed class OrderHistoryProjection(ModuleDatabase<OrdersModule> orders)
    : ShadowTableProjection(orders.Shop, "orders.history", "orders_history")
{
    protected override Task ApplyToAsync(string table, RecordedEvent recorded, object domainEvent, CancellationToken cancellationToken) => domainEvent switch
    {
        OrderPlaced placed => ExecuteAsync(
            $"""
            INSERT INTO {table} (order_id, customer_id, status, total_cents, currency, placed_at, version)
            VALUES (@id, @customer, 'Pending', @total, @currency, @at, @v) ON CONFLICT (order_id) DO NOTHING;
            """,
            recorded,
            cancellationToken,
            ("id", placed.OrderId.ToString()),
            ("customer", placed.CustomerId.ToString()),
            ("total", placed.TotalCents),
            ("currency", placed.Currency),
            ("at", placed.PlacedAt.ToString("O", CultureInfo.InvariantCulture))),
        OrderConfirmedEntry confirmed => ExecuteAsync(
            $"UPDATE {table} SET status = 'Confirmed', reason = NULL, version = @v WHERE order_id = @id AND version < @v;",
            recorded,
            cancellationToken,
            ("id", confirmed.OrderId.ToString())),
        OrderRejectedEntry rejected => ExecuteAsync(
            $"UPDATE {table} SET status = 'Rejected', reason = @reason, version = @v WHERE order_id = @id AND version < @v;",
            recorded,
            cancellationToken,
            ("id", rejected.OrderId.ToString()),
            ("reason", rejected.Reason)),
        _ => Task.CompletedTask,
    };

    public async Task<IReadOnlyList<OrderHistoryEntry>> ForCustomerAsync(Guid customerId, Page page, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand(
            $"SELECT order_id, status, reason, total_cents, currency, placed_at FROM {Table} WHERE customer_id = @c ORDER BY placed_at, order_id LIMIT @limit OFFSET @offset;")
            .With("c", customerId.ToString()).With("limit", page.Size).With("offset", page.Offset);
        return await query.ReadAllAsync(
            r => new OrderHistoryEntry(
                Guid.Parse(r.GetString(0)),
                r.GetString(1),
                r.IsDBNull(2) ? null : r.GetString(2),
                r.GetInt64(3),
                r.GetString(4),
                DateTimeOffset.Parse(r.GetString(5), CultureInfo.InvariantCulture)),
            cancellationToken);
    }
}

internal sealed record OrderHistoryEntry(Guid OrderId, string Status, string? Reason, long TotalCents, string Currency, DateTimeOffset PlacedAt);
