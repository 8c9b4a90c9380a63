using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Bulwark.Data;
using Bulwark.Outbox;
using Bulwark.Sharding;
using Shop.Orders.Contracts;
using Shop.Orders.Data;

namespace Shop.Orders.Sharding;

/// <summary>
/// The order rows on their customer's shard. Every write runs through the router (<see cref="IShardRouter.RunAsync"/>)
/// and starts with the shard's write guard in its own transaction, so a stale map costs a retry and a fenced bucket a
/// wait, never a row on the wrong shard; the row, its commit sequence and its outbox message commit together.
/// </summary>
internal sealed class ShardedOrderRows(IShardRouter router, OrderShardTables tables, TimeProvider time)
{
    private const string Columns = "customer_id, status, reason, lines_json, total_cents, currency, shipping_postcode, placed_at, updated_at";

    public Task PlaceAsync(OrderPlaced placed, string postcode, CancellationToken cancellationToken) =>
        WriteAsync(placed.OrderId, (shard, connection, transaction, token) => InsertAsync(shard, connection, transaction, placed, postcode, token), cancellationToken);

    public Task<bool> FinishAsync(Guid id, string status, string? reason, CancellationToken cancellationToken) =>
        WriteAsync(id, (shard, connection, transaction, token) => FinishOnceAsync(shard, connection, transaction, id, status, reason, token), cancellationToken);

    /// <summary>The order on its shard; an empty read asks the catalog once whether its bucket moved (as sharded streams do).</summary>
    public async Task<OrderRecord?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var bucket = OrderIds.BucketOf(id);
        if (bucket >= router.BucketCount)
        {
            return null;
        }

        var route = await router.RouteAsync(bucket, cancellationToken);
        var order = await ReadAsync(tables.Shards[route.Shard.Name], id, cancellationToken);
        if (order is not null)
        {
            return order;
        }

        var map = await router.RefreshAsync(route.MapVersion, cancellationToken);
        return map.ShardOf(bucket) == route.Shard.Name ? null : await ReadAsync(tables.Shards[map.ShardOf(bucket)], id, cancellationToken);
    }

    /// <summary>Pending orders on every shard (all or nothing: a failing shard throws, so no orphan is missed silently).</summary>
    public async Task<IReadOnlyList<Guid>> ListPendingAsync(DateTimeOffset placedBefore, CancellationToken cancellationToken)
    {
        // A bucket in the middle of a move has its rows on two shards for a moment: one saga per order all the same.
        var ids = new HashSet<Guid>();
        foreach (var shard in tables.Shards.Values)
        {
            await using var connection = await shard.Database.OpenConnectionAsync(cancellationToken);
            await using var query = connection.CreateCommand("SELECT id FROM orders_orders WHERE status = 'Pending' AND placed_at < @before;")
                .With("before", placedBefore.ToString("O", CultureInfo.InvariantCulture));
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(Guid.Parse(reader.GetString(0)));
            }
        }

        return [.. ids];
    }

    private Task<bool> WriteAsync(Guid id, Func<OrderShard, DbConnection, DbTransaction, CancellationToken, Task<bool>> work, CancellationToken cancellationToken) =>
        router.RunAsync(
            OrderIds.BucketOf(id),
            (route, token) =>
            {
                var shard = tables.Shards[route.Shard.Name];
                return shard.Database.RunAsync(
                    async (connection, attempt) =>
                    {
                        await using var transaction = await shard.Database.Dialect.BeginWriteAsync(connection, attempt);

                        // First, before anything is written: refused here, the transaction rolls back empty.
                        await shard.Guard.EnterAsync(connection, transaction, id.ToString(), attempt);
                        return await work(shard, connection, transaction, attempt);
                    },
                    time,
                    token);
            },
            cancellationToken);

    /// <summary>Takes the next <paramref name="count"/> commit sequence numbers of the shard, locking its clock until commit.</summary>
    internal static async Task<long> TakeCommitSequenceAsync(DbConnection connection, DbTransaction transaction, int count, CancellationToken cancellationToken)
    {
        await using var clock = connection.CreateCommand("UPDATE orders_commit_clock SET seq = seq + @n WHERE id = 1 RETURNING seq;", transaction).With("n", (long)count);
        return Convert.ToInt64(await clock.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static async Task<bool> InsertAsync(OrderShard shard, DbConnection connection, DbTransaction transaction, OrderPlaced placed, string postcode, CancellationToken cancellationToken)
    {
        var seq = await TakeCommitSequenceAsync(connection, transaction, 1, cancellationToken);
        await using (var insert = connection.CreateCommand(
            $"""
            INSERT INTO orders_orders (id, {Columns}, revision, commit_seq)
            VALUES (@id, @customer, 'Pending', NULL, @lines, @total, @currency, @postcode, @at, @at, 1, @seq);
            """,
            transaction))
        {
            insert.With("id", placed.OrderId.ToString())
                .With("customer", placed.CustomerId.ToString())
                .With("lines", JsonSerializer.Serialize(placed.Lines, JsonSerializerOptions.Web))
                .With("total", placed.TotalCents)
                .With("currency", placed.Currency)
                .With("postcode", postcode)
                .With("at", placed.PlacedAt.ToString("O", CultureInfo.InvariantCulture))
                .With("seq", seq);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await shard.Outbox.EnqueueJsonAsync(connection, transaction, OrderPlaced.Topic, placed.OrderId.ToString(), placed, cancellationToken: cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    // The row's revision and commit sequence move with the status, so a bucket move copies the finished row again.
    private async Task<bool> FinishOnceAsync(OrderShard shard, DbConnection connection, DbTransaction transaction, Guid id, string status, string? reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var seq = await TakeCommitSequenceAsync(connection, transaction, 1, cancellationToken);
        return await OrderRepository.FinishRowAsync(
            connection, transaction, shard.Outbox, id, status, reason, now, (", revision = revision + 1, commit_seq = @seq", "seq", seq), cancellationToken);
    }

    private static async Task<OrderRecord?> ReadAsync(OrderShard shard, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await shard.Database.OpenConnectionAsync(cancellationToken);
        await using var query = connection.CreateCommand($"SELECT {Columns} FROM orders_orders WHERE id = @id;").With("id", id.ToString());
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? OrderRepository.ReadRecord(id, reader) : null;
    }
}
