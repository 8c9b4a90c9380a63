using System.Globalization;
using Bulwark.Data;
using Bulwark.Sharding;

namespace Shop.Orders.Sharding;

/// <summary>
/// What a bucket move carries of the orders: the bucket's <c>orders_orders</c> rows, page by page in the source's commit
/// order (<c>commit_seq</c>, which follows commit order: see <see cref="OrderShardTables"/>), upserted on the target with
/// the target's own commit sequence and kept only when newer (<c>revision</c>), so a copy can run twice and a row finished
/// between two rounds arrives in its latest state. Outbox messages are not copied: each stays in the outbox it was written
/// to and that shard's relay sends it once.
/// </summary>
internal sealed class OrderRowsBucketData(OrderShardTables tables, TimeProvider time) : IShardBucketData
{
    // Rows per read and per target transaction: short enough not to hold the target's clock long.
    private const int PageSize = 200;

    private const string Columns = "id, customer_id, status, reason, lines_json, total_cents, currency, shipping_postcode, placed_at, updated_at, revision, commit_seq";

    public async Task<int> CopyAsync(Shard source, Shard target, IReadOnlyList<string> keys, long afterWatermark, long throughWatermark, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(keys);
        var orderKeys = keys.Where(k => Guid.TryParse(k, out _)).ToArray();
        if (orderKeys.Length == 0)
        {
            return 0;
        }

        var copied = 0;
        var after = afterWatermark;
        while (after < throughWatermark)
        {
            var page = await ReadPageAsync(tables.Shards[source.Name].Database, orderKeys, after, throughWatermark, cancellationToken);
            if (page.Count > 0)
            {
                copied += await ImportAsync(tables.Shards[target.Name].Database, page, time, cancellationToken);
            }

            if (page.Count < PageSize)
            {
                break;
            }

            after = (long)page[^1][^1]!;
        }

        return copied;
    }

    public async Task<long> WatermarkAsync(Shard source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        await using var connection = await tables.Shards[source.Name].Database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand("SELECT seq FROM orders_commit_clock WHERE id = 1;");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<int> DeleteAsync(Shard source, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(keys);
        var orderKeys = keys.Where(k => Guid.TryParse(k, out _)).ToArray();
        if (orderKeys.Length == 0)
        {
            return 0;
        }

        await using var connection = await tables.Shards[source.Name].Database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand("DELETE FROM orders_orders WHERE id = ANY(@keys);").With("keys", orderKeys);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<object?[]>> ReadPageAsync(SqlDatabase source, string[] keys, long after, long through, CancellationToken cancellationToken)
    {
        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        await using var query = connection.CreateCommand(
                $"SELECT {Columns} FROM orders_orders WHERE id = ANY(@keys) AND commit_seq > @after AND commit_seq <= @through ORDER BY commit_seq LIMIT @limit;")
            .With("keys", keys).With("after", after).With("through", through).With("limit", PageSize);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[reader.FieldCount];
            reader.GetValues(row!);
            rows.Add(row);
        }

        return rows;
    }

    // One transaction: the target's clock numbers the rows in its own commit order (a later move from the target copies
    // them by it); a row already there with the same or a newer revision is left alone.
    private static Task<int> ImportAsync(SqlDatabase target, List<object?[]> rows, TimeProvider time, CancellationToken cancellationToken) =>
        target.RunAsync(
            async (connection, token) =>
            {
                await using var transaction = await target.Dialect.BeginWriteAsync(connection, token);
                var last = await ShardedOrderRows.TakeCommitSequenceAsync(connection, transaction, rows.Count, token);
                var seq = last - rows.Count;
                var imported = 0;
                foreach (var row in rows)
                {
                    await using var upsert = connection.CreateCommand(
                        $"""
                        INSERT INTO orders_orders ({Columns}) VALUES (@c0, @c1, @c2, @c3, @c4, @c5, @c6, @c7, @c8, @c9, @c10, @seq)
                        ON CONFLICT (id) DO UPDATE SET status = excluded.status, reason = excluded.reason, updated_at = excluded.updated_at,
                            revision = excluded.revision, commit_seq = excluded.commit_seq
                        WHERE orders_orders.revision < excluded.revision;
                        """,
                        transaction);
                    for (var i = 0; i < 11; i++)
                    {
                        upsert.With(string.Create(CultureInfo.InvariantCulture, $"c{i}"), row[i] is DBNull ? null : row[i]);
                    }

                    upsert.With("seq", ++seq);
                    imported += await upsert.ExecuteNonQueryAsync(token);
                }

                await transaction.CommitAsync(token);
                return imported;
            },
            time,
            cancellationToken);
}
