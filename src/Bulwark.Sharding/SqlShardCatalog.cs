using System.Globalization;
using System.Text;
using Bulwark.Data;
using Bulwark.Data.Schema;

namespace Bulwark.Sharding;

/// <summary>
/// The catalog database's shard map: one row per bucket naming its shard, and one version that every change raises in
/// the same transaction. Routers cache the map and compare versions; a move flips a bucket with a compare-and-set on
/// the version, so two moves can never both win.
/// </summary>
public sealed class SqlShardCatalog : SqlStore
{
    // Plain integer/text/bigint: both dialects spell them alike.
    private const string Tables = """
        CREATE TABLE bulwark_shard_map (
            bucket integer PRIMARY KEY,
            shard text NOT NULL);
        CREATE TABLE bulwark_shard_map_version (
            id integer PRIMARY KEY,
            version bigint NOT NULL);
        """;

    // Rows per seeding statement (two parameters each).
    private const int SeedRowsPerStatement = 500;

    /// <summary>The catalog's schema.</summary>
    public static SchemaComponent Schema { get; } = new SchemaComponent("shard-catalog")
        .For(SqlDialectNames.Sqlite, Tables)
        .For(SqlDialectNames.Postgres, Tables);

    /// <summary>Creates the catalog store; does no I/O.</summary>
    /// <param name="database">The catalog database.</param>
    /// <param name="timeProvider">The clock for migrations and busy retries.</param>
    public SqlShardCatalog(SqlDatabase database, TimeProvider timeProvider)
        : base(database, Schema, timeProvider)
    {
    }

    /// <summary>
    /// Writes the first map (version 1: bucket b on shard b mod K) unless the catalog holds one; idempotent, so every
    /// instance may call it at start-up. Returns the catalog's map, whichever instance wrote it.
    /// </summary>
    /// <param name="bucketCount">The number of buckets.</param>
    /// <param name="shards">The shard names, in the order buckets are dealt to them.</param>
    /// <param name="cancellationToken">Cancels the seeding.</param>
    /// <returns>The current map.</returns>
    /// <exception cref="InvalidOperationException">The catalog holds a map with another bucket count.</exception>
    public async Task<ShardMap> SeedAsync(int bucketCount, IReadOnlyList<string> shards, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketCount, 1);
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentOutOfRangeException.ThrowIfZero(shards.Count);
        await Gate.EnsureAsync(cancellationToken).ConfigureAwait(false);
        if (await ReadVersionAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            await WriteAsync(
                async (connection, transaction, token) =>
                {
                    // Racing instances write the same rows; the loser's inserts change nothing.
                    foreach (var chunk in Enumerable.Range(0, bucketCount).Chunk(SeedRowsPerStatement))
                    {
                        var sql = new StringBuilder("INSERT INTO bulwark_shard_map (bucket, shard) VALUES ");
                        sql.AppendJoin(", ", chunk.Select(b => string.Create(CultureInfo.InvariantCulture, $"(@b{b}, @s{b})")));
                        sql.Append(" ON CONFLICT DO NOTHING;");
                        using var insert = connection.CreateCommand(sql.ToString(), transaction);
                        foreach (var bucket in chunk)
                        {
                            insert.With(string.Create(CultureInfo.InvariantCulture, $"b{bucket}"), bucket)
                                .With(string.Create(CultureInfo.InvariantCulture, $"s{bucket}"), shards[bucket % shards.Count]);
                        }

                        await insert.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                    }

                    using var version = connection.CreateCommand("INSERT INTO bulwark_shard_map_version (id, version) VALUES (1, 1) ON CONFLICT DO NOTHING;", transaction);
                    await version.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                    return 0;
                },
                cancellationToken).ConfigureAwait(false);
        }

        var map = await ReadAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The shard catalog is empty right after seeding it.");
        if (map.BucketCount != bucketCount)
        {
            throw new InvalidOperationException(
                $"The shard catalog holds {map.BucketCount} buckets but {ShardingOptions.SectionName}:{nameof(ShardingOptions.BucketCount)} is {bucketCount}. " +
                "A catalog's bucket count never changes; set it back to the catalog's.");
        }

        return map;
    }

    /// <summary>The catalog's map version (0 before it is seeded): the cheap check a router makes before reloading.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The version.</returns>
    public async Task<long> ReadVersionAsync(CancellationToken cancellationToken)
    {
        var value = await ScalarAsync("SELECT version FROM bulwark_shard_map_version WHERE id = 1;", static command => command, cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    /// <summary>Reads the whole map and its version in one statement (one snapshot: the version matches the rows).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The map, or <see langword="null"/> before it is seeded.</returns>
    public async Task<ShardMap?> ReadAsync(CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            "SELECT m.bucket, m.shard, v.version FROM bulwark_shard_map m CROSS JOIN bulwark_shard_map_version v WHERE v.id = 1 ORDER BY m.bucket;",
            static command => command,
            static reader => (Shard: reader.GetString(1), Version: reader.GetInt64(2)),
            cancellationToken).ConfigureAwait(false);
        var version = rows.Count == 0 ? 0 : rows[^1].Version;
        return version == 0 ? null : new ShardMap(version, [.. rows.Select(row => row.Shard)]);
    }

    /// <summary>Gives <paramref name="bucket"/> to <paramref name="shard"/> if the map is still at <paramref name="expectedVersion"/>.</summary>
    /// <param name="bucket">The bucket.</param>
    /// <param name="shard">Its new shard.</param>
    /// <param name="expectedVersion">The version the caller read.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The new version.</returns>
    /// <exception cref="ShardMapConflictException">The map changed since <paramref name="expectedVersion"/>.</exception>
    public async Task<long> AssignAsync(int bucket, string shard, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(shard);
        return await WriteAsync(
            async (connection, transaction, token) =>
            {
                using (var version = connection.CreateCommand("UPDATE bulwark_shard_map_version SET version = version + 1 WHERE id = 1 AND version = @expected;", transaction)
                    .With("expected", expectedVersion))
                {
                    if (await version.ExecuteNonQueryAsync(token).ConfigureAwait(false) == 0)
                    {
                        throw new ShardMapConflictException(expectedVersion);
                    }
                }

                using var assign = connection.CreateCommand("UPDATE bulwark_shard_map SET shard = @shard WHERE bucket = @bucket;", transaction)
                    .With("shard", shard).With("bucket", bucket);
                await assign.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                return expectedVersion + 1;
            },
            cancellationToken).ConfigureAwait(false);
    }
}
