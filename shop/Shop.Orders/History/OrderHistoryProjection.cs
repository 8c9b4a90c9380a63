using System.Globalization;
using Bulwark.EventSourcing;
using Shop.Orders.Contracts;
using Shop.Orders.Data;

namespace Shop.Orders.History;

/// <summary>
/// The order history read model (<c>orders_history</c>), built only from the event log. Idempotent: a row keeps the
/// stream version it last applied, so a batch delivered twice changes nothing. Rebuilt beside the live table
/// (<c>orders_history_rebuild</c>) and swapped in, so a customer's history never looks empty during a rebuild.
/// </summary>
internal sealed class OrderHistoryProjection(OrdersDatabase orders) : IShadowRebuildProjection
{
    private const string Live = "orders_history";
    private const string Shadow = "orders_history_rebuild";

    public string Name => "orders.history";

    public Task ApplyAsync(RecordedEvent recorded, object domainEvent, CancellationToken cancellationToken) =>
        ApplyToAsync(Live, recorded, domainEvent, cancellationToken);

    public Task ApplyToShadowAsync(RecordedEvent recorded, object domainEvent, CancellationToken cancellationToken) =>
        ApplyToAsync(Shadow, recorded, domainEvent, cancellationToken);

    // Same columns and index as the live table's migration; a later migration that changes it must change this too.
    public async Task BeginShadowAsync(CancellationToken cancellationToken)
    {
        await using var connection = await orders.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            DROP TABLE IF EXISTS {Shadow};
            CREATE TABLE {Shadow} (
                order_id    TEXT PRIMARY KEY,
                customer_id TEXT    NOT NULL,
                status      TEXT    NOT NULL,
                reason      TEXT,
                total_cents INTEGER NOT NULL,
                currency    TEXT    NOT NULL,
                placed_at   TEXT    NOT NULL,
                version     INTEGER NOT NULL
            );
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // One transaction: readers see the old table or the new one. The index moves with its table on rename, so the
    // new table's index is created under the live name after the old one (and its index) is dropped.
    public async Task SwapShadowAsync(CancellationToken cancellationToken)
    {
        await using var connection = await orders.Database.OpenAsync(cancellationToken);
        await using var swap = (Microsoft.Data.Sqlite.SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = swap;
        command.CommandText = $"""
            DROP TABLE {Live};
            ALTER TABLE {Shadow} RENAME TO {Live};
            CREATE INDEX orders_history_by_customer ON {Live} (customer_id, placed_at);
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
        await swap.CommitAsync(cancellationToken);
    }

    private async Task ApplyToAsync(string table, RecordedEvent recorded, object domainEvent, CancellationToken cancellationToken)
    {
        await using var connection = await orders.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Parameters.AddWithValue("$v", recorded.Version);
        switch (domainEvent)
        {
            case OrderPlaced placed:
                command.CommandText = $"""
                    INSERT INTO {table} (order_id, customer_id, status, total_cents, currency, placed_at, version)
                    VALUES ($id, $customer, 'Pending', $total, $currency, $at, $v) ON CONFLICT (order_id) DO NOTHING;
                    """;
                command.Parameters.AddWithValue("$id", placed.OrderId.ToString());
                command.Parameters.AddWithValue("$customer", placed.CustomerId.ToString());
                command.Parameters.AddWithValue("$total", placed.TotalCents);
                command.Parameters.AddWithValue("$currency", placed.Currency);
                command.Parameters.AddWithValue("$at", placed.PlacedAt.ToString("O", CultureInfo.InvariantCulture));
                break;
            case OrderConfirmed confirmed:
                command.CommandText = $"UPDATE {table} SET status = 'Confirmed', reason = NULL, version = $v WHERE order_id = $id AND version < $v;";
                command.Parameters.AddWithValue("$id", confirmed.OrderId.ToString());
                break;
            case OrderRejected rejected:
                command.CommandText = $"UPDATE {table} SET status = 'Rejected', reason = $reason, version = $v WHERE order_id = $id AND version < $v;";
                command.Parameters.AddWithValue("$id", rejected.OrderId.ToString());
                command.Parameters.AddWithValue("$reason", rejected.Reason);
                break;
            default:
                return;
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        await using var connection = await orders.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM orders_history;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<OrderHistoryEntry>> ForCustomerAsync(Guid customerId, CancellationToken cancellationToken)
    {
        await using var connection = await orders.Database.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT order_id, status, reason, total_cents, currency, placed_at FROM orders_history WHERE customer_id = $c ORDER BY placed_at, order_id;";
        query.Parameters.AddWithValue("$c", customerId.ToString());
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        var list = new List<OrderHistoryEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new OrderHistoryEntry(
                Guid.Parse(reader.GetString(0)),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetInt64(3),
                reader.GetString(4),
                DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture)));
        }

        return list;
    }
}

internal sealed record OrderHistoryEntry(Guid OrderId, string Status, string? Reason, long TotalCents, string Currency, DateTimeOffset PlacedAt);
