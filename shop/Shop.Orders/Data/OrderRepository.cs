using System.Globalization;
using System.Text.Json;
using Bulwark.Outbox;
using System.Data.Common;
using Bulwark.Data;
using Shop.Orders.Contracts;
using Shop.Infrastructure.Data;
using Shop.Orders.Sharding;

namespace Shop.Orders.Data;

internal sealed record OrderRecord(
    Guid Id, Guid CustomerId, string Status, string? Reason, IReadOnlyList<OrderLine> Lines, long TotalCents, string Currency,
    string ShippingPostcode, DateTimeOffset PlacedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// The order rows. Placing writes the row and <see cref="OrderPlaced"/> to the outbox in one transaction: in the shop
/// database, or, sharded (<paramref name="sharded"/>), on the customer's shard with that shard's outbox.
/// </summary>
internal sealed class OrderRepository(ModuleDatabase<OrdersModule> orders, IOutbox outbox, TimeProvider time, ShardedOrderRows? sharded = null)
{
    public Task PlaceAsync(OrderPlaced placed, string postcode, CancellationToken cancellationToken) =>
        sharded is not null ? sharded.PlaceAsync(placed, postcode, cancellationToken) : orders.WriteAsync((connection, transaction, token) => InsertAsync(connection, transaction, placed, postcode, token), cancellationToken);

    private async Task<bool> InsertAsync(DbConnection connection, DbTransaction transaction, OrderPlaced placed, string postcode, CancellationToken cancellationToken)
    {
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO orders_orders (id, customer_id, status, lines_json, total_cents, currency, shipping_postcode, placed_at, updated_at)
                VALUES (@id, @customer, 'Pending', @lines, @total, @currency, @postcode, @at, @at);
                """;
            insert.With("id", placed.OrderId.ToString());
            insert.With("customer", placed.CustomerId.ToString());
            insert.With("lines", JsonSerializer.Serialize(placed.Lines, JsonSerializerOptions.Web));
            insert.With("total", placed.TotalCents);
            insert.With("currency", placed.Currency);
            insert.With("postcode", postcode);
            insert.With("at", placed.PlacedAt.ToString("O", CultureInfo.InvariantCulture));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await outbox.EnqueueJsonAsync(connection, transaction, OrderPlaced.Topic, placed.OrderId.ToString(), placed, cancellationToken: cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Ends a pending order and publishes the outcome (<see cref="OrderConfirmed"/> or <see cref="OrderRejected"/>)
    /// through the outbox in the same transaction, so the event leaves exactly when the status changed. A second call
    /// (a repeated saga step) changes nothing, publishes nothing and returns false.
    /// </summary>
    public Task<bool> FinishAsync(Guid id, string status, string? reason, CancellationToken cancellationToken) =>
        sharded is not null ? sharded.FinishAsync(id, status, reason, cancellationToken) : orders.WriteAsync((connection, transaction, token) => FinishOnceAsync(connection, transaction, id, status, reason, token), cancellationToken);

    private Task<bool> FinishOnceAsync(DbConnection connection, DbTransaction transaction, Guid id, string status, string? reason, CancellationToken cancellationToken) =>
        FinishRowAsync(connection, transaction, outbox, id, status, reason, time.GetUtcNow(), null, cancellationToken);

    /// <summary>
    /// The finish step both placements share: the pending row's status set (with <paramref name="alsoSet"/>, a column
    /// and its value, when the placement keeps more), the outcome event enqueued in <paramref name="outbox"/>, committed.
    /// False, with nothing written, when the order was not pending.
    /// </summary>
    internal static async Task<bool> FinishRowAsync(
        DbConnection connection, DbTransaction transaction, IOutbox outbox, Guid id, string status, string? reason, DateTimeOffset now,
        (string Sql, string Parameter, object Value)? alsoSet, CancellationToken cancellationToken)
    {
        Guid customerId;
        long totalCents;
        string currency;
        await using (var update = connection.CreateCommand(
            $"UPDATE orders_orders SET status = @status, reason = @reason, updated_at = @at{alsoSet?.Sql} WHERE id = @id AND status = 'Pending' RETURNING customer_id, total_cents, currency;",
            transaction))
        {
            update.With("id", id.ToString()).With("status", status).With("reason", (object?)reason ?? DBNull.Value).With("at", now.ToString("O", CultureInfo.InvariantCulture));
            if (alsoSet is { } extra)
            {
                update.With(extra.Parameter, extra.Value);
            }

            await using var reader = await update.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return false;
            }

            customerId = Guid.Parse(reader.GetString(0));
            totalCents = reader.GetInt64(1);
            currency = reader.GetString(2);
        }

        if (status == "Confirmed")
        {
            await outbox.EnqueueJsonAsync(connection, transaction, OrderConfirmed.Topic, id.ToString(), new OrderConfirmed(id, customerId, totalCents, currency, now), cancellationToken: cancellationToken);
        }
        else
        {
            await outbox.EnqueueJsonAsync(connection, transaction, OrderRejected.Topic, id.ToString(), new OrderRejected(id, customerId, reason ?? "rejected", now), cancellationToken: cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<OrderRecord?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        if (sharded is not null)
        {
            return await sharded.FindAsync(id, cancellationToken);
        }

        await using var connection = await orders.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT customer_id, status, reason, lines_json, total_cents, currency, shipping_postcode, placed_at, updated_at FROM orders_orders WHERE id = @id;";
        query.With("id", id.ToString());
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRecord(id, reader) : null;
    }

    /// <summary>An order from a row of <c>customer_id, status, reason, lines_json, total_cents, currency, shipping_postcode, placed_at, updated_at</c>.</summary>
    internal static OrderRecord ReadRecord(Guid id, DbDataReader reader) =>
        new(
            id,
            Guid.Parse(reader.GetString(0)),
            reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetString(2),
            JsonSerializer.Deserialize<List<OrderLine>>(reader.GetString(3), JsonSerializerOptions.Web) ?? [],
            reader.GetInt64(4),
            reader.GetString(5),
            reader.GetString(6),
            DateTimeOffset.Parse(reader.GetString(7), CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(reader.GetString(8), CultureInfo.InvariantCulture));

    /// <summary>Whether orders live on shards (then a cell move does not carry them: cells run unsharded).</summary>
    public bool IsSharded => sharded is not null;

    /// <summary>Every order of <paramref name="customerId"/> in this database, oldest first (unsharded only).</summary>
    public async Task<IReadOnlyList<OrderRecord>> ListOfCustomerAsync(Guid customerId, CancellationToken cancellationToken)
    {
        await using var connection = await orders.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT customer_id, status, reason, lines_json, total_cents, currency, shipping_postcode, placed_at, updated_at, id FROM orders_orders WHERE customer_id = @customer ORDER BY placed_at, id;";
        query.With("customer", customerId.ToString());
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        var list = new List<OrderRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadRecord(Guid.Parse(reader.GetString(9)), reader));
        }

        return list;
    }

    /// <summary>
    /// Writes a settled order copied from another cell, unless it is here already: true when written, false when the
    /// same order (same status) was already here. An order here in another state is a diverged history and throws.
    /// No outbox message: its events were published by the cell it was placed in.
    /// </summary>
    public Task<bool> ImportSettledAsync(OrderRecord order, CancellationToken cancellationToken) =>
        orders.WriteAsync(
            async (connection, transaction, token) =>
            {
                await using (var existing = connection.CreateCommand())
                {
                    existing.Transaction = transaction;
                    existing.CommandText = "SELECT status FROM orders_orders WHERE id = @id;";
                    existing.With("id", order.Id.ToString());
                    if (await existing.ExecuteScalarAsync(token) is string status)
                    {
                        return status == order.Status
                            ? false
                            : throw new InvalidOperationException($"Order {order.Id} is {status} here and {order.Status} in the export: the histories diverged.");
                    }
                }

                await using (var insert = connection.CreateCommand())
                {
                    insert.Transaction = transaction;
                    insert.CommandText = """
                        INSERT INTO orders_orders (id, customer_id, status, reason, lines_json, total_cents, currency, shipping_postcode, placed_at, updated_at)
                        VALUES (@id, @customer, @status, @reason, @lines, @total, @currency, @postcode, @placed, @updated);
                        """;
                    insert.With("id", order.Id.ToString());
                    insert.With("customer", order.CustomerId.ToString());
                    insert.With("status", order.Status);
                    insert.With("reason", (object?)order.Reason ?? DBNull.Value);
                    insert.With("lines", JsonSerializer.Serialize(order.Lines, JsonSerializerOptions.Web));
                    insert.With("total", order.TotalCents);
                    insert.With("currency", order.Currency);
                    insert.With("postcode", order.ShippingPostcode);
                    insert.With("placed", order.PlacedAt.ToString("O", CultureInfo.InvariantCulture));
                    insert.With("updated", order.UpdatedAt.ToString("O", CultureInfo.InvariantCulture));
                    await insert.ExecuteNonQueryAsync(token);
                }

                await transaction.CommitAsync(token);
                return true;
            },
            cancellationToken);

    /// <summary>Pending orders placed before <paramref name="placedBefore"/> (candidates for a saga that was never begun).</summary>
    public async Task<IReadOnlyList<Guid>> ListPendingAsync(DateTimeOffset placedBefore, CancellationToken cancellationToken)
    {
        if (sharded is not null)
        {
            return await sharded.ListPendingAsync(placedBefore, cancellationToken);
        }

        await using var connection = await orders.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT id FROM orders_orders WHERE status = 'Pending' AND placed_at < @before;";
        query.With("before", placedBefore.ToString("O", CultureInfo.InvariantCulture));
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(Guid.Parse(reader.GetString(0)));
        }

        return ids;
    }
}
