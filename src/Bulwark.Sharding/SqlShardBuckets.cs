using System.Data.Common;
using System.Globalization;
using System.Text;
using Bulwark.Data;
using Bulwark.Data.Schema;

namespace Bulwark.Sharding;

/// <summary>
/// A shard's own record of the buckets it owns, and of the keys written in each (what a move copies). Every write to a
/// shard checks ownership in its own transaction (<see cref="ShardWriteGuard"/>): a shard that lost a bucket, or holds
/// it fenced, refuses the write, so a router's stale map can cost a retry but never a write on the wrong shard.
/// </summary>
public sealed class SqlShardBuckets : SqlStore
{
    /// <summary>The bucket is the shard's: writes go ahead.</summary>
    public const string Owned = "owned";

    /// <summary>A move is taking the bucket's last rows: writes wait.</summary>
    public const string Fenced = "fenced";

    /// <summary>The bucket moved away; the row stays so a late start-up seeding cannot claim it back.</summary>
    public const string Moved = "moved";

    private const string Tables = """
        CREATE TABLE bulwark_shard_buckets (
            bucket integer PRIMARY KEY,
            state text NOT NULL,
            map_version bigint NOT NULL);
        CREATE TABLE bulwark_shard_keys (
            shard_key text PRIMARY KEY,
            bucket integer NOT NULL);
        CREATE INDEX ix_bulwark_shard_keys_bucket ON bulwark_shard_keys (bucket);
        """;

    private const int RowsPerStatement = 500;

    // The first key of every bucket's advisory lock (the bucket is the second): a two-key lock, so it can never collide
    // with the single bigint keys of the event store's append lock or the migrations' lock.
    private const int BucketLockSpace = 0x0B17_0017;

    /// <summary>The shard-side tables' schema.</summary>
    public static SchemaComponent Schema { get; } = new SchemaComponent("shard-buckets")
        .For(SqlDialectNames.Sqlite, Tables)
        .For(SqlDialectNames.Postgres, Tables);

    /// <summary>Creates the store; does no I/O.</summary>
    /// <param name="shard">The shard's name (for errors).</param>
    /// <param name="database">The shard's database.</param>
    /// <param name="timeProvider">The clock for migrations and busy retries.</param>
    public SqlShardBuckets(string shard, SqlDatabase database, TimeProvider timeProvider)
        : base(database, Schema, timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(shard);
        Shard = shard;
    }

    /// <summary>The shard's name.</summary>
    public string Shard { get; }

    /// <summary>
    /// Checks, inside the writer's transaction, that this shard owns <paramref name="bucket"/>, and records
    /// <paramref name="key"/> under it. On a row-locking database the writer first takes the bucket's advisory lock
    /// shared until it commits, so a fence (which takes it exclusively) waits for every write already admitted, and
    /// writes arriving after the fence queue behind it instead of starving it (a row's share locks would let a steady
    /// stream of writers keep the fence's update waiting for ever).
    /// </summary>
    /// <param name="connection">The writer's connection.</param>
    /// <param name="transaction">The writer's transaction.</param>
    /// <param name="bucket">The key's bucket.</param>
    /// <param name="key">The key being written.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task that completes when the write may go ahead.</returns>
    /// <exception cref="ShardBucketMovedException">The shard does not own the bucket.</exception>
    /// <exception cref="ShardBucketFencedException">The bucket is fenced for a move.</exception>
    public async ValueTask EnterAsync(DbConnection connection, DbTransaction transaction, int bucket, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await Dialect.LockAsync(connection, transaction, SqlWriterLock.InSpace(BucketLockSpace, bucket), SqlWriterLockMode.Shared, cancellationToken).ConfigureAwait(false);

        string? state;
        using (var check = connection.CreateCommand("SELECT state FROM bulwark_shard_buckets WHERE bucket = @bucket;", transaction).With("bucket", bucket))
        {
            state = await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }

        switch (state)
        {
            case Owned:
                break;
            case Fenced:
                throw new ShardBucketFencedException(Shard, bucket);
            default:
                throw new ShardBucketMovedException(Shard, bucket);
        }

        using var register = connection.CreateCommand("INSERT INTO bulwark_shard_keys (shard_key, bucket) VALUES (@key, @bucket) ON CONFLICT DO NOTHING;", transaction)
            .With("key", key).With("bucket", bucket);
        await register.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes the buckets of the first map (version 1) unless this shard already has a row for them: a bucket that moved
    /// away keeps its <see cref="Moved"/> row, so a late start-up cannot claim it back.
    /// </summary>
    /// <param name="buckets">The buckets the first map gives this shard.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the rows exist.</returns>
    public async Task SeedAsync(IReadOnlyList<int> buckets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        foreach (var chunk in buckets.Chunk(RowsPerStatement))
        {
            var sql = new StringBuilder("INSERT INTO bulwark_shard_buckets (bucket, state, map_version) VALUES ");
            sql.AppendJoin(", ", chunk.Select(b => string.Create(CultureInfo.InvariantCulture, $"(@b{b}, '{Owned}', 1)")));
            sql.Append(" ON CONFLICT DO NOTHING;");
            await ExecuteAsync(
                sql.ToString(),
                command =>
                {
                    foreach (var bucket in chunk)
                    {
                        command.With(string.Create(CultureInfo.InvariantCulture, $"b{bucket}"), bucket);
                    }

                    return command;
                },
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes <paramref name="bucket"/> (a move's target, just before the flip), whatever row it had.</summary>
    /// <param name="bucket">The bucket.</param>
    /// <param name="mapVersion">The map version that gives it to this shard.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the shard owns the bucket.</returns>
    public Task ClaimAsync(int bucket, long mapVersion, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "INSERT INTO bulwark_shard_buckets (bucket, state, map_version) VALUES (@bucket, @state, @version) " +
            "ON CONFLICT (bucket) DO UPDATE SET state = excluded.state, map_version = excluded.map_version;",
            command => command.With("bucket", bucket).With("state", Owned).With("version", mapVersion),
            cancellationToken);

    /// <summary>
    /// Fences an owned bucket. On a row-locking database it first takes the bucket's advisory lock exclusively, which
    /// waits for every write that already passed the ownership check to commit; writes that arrive later wait for the
    /// lock, then see the fence.
    /// </summary>
    /// <param name="bucket">The bucket.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="false"/> when the shard does not own the bucket.</returns>
    public async Task<bool> FenceAsync(int bucket, CancellationToken cancellationToken)
    {
        return await WriteAsync(
            async (connection, transaction, token) =>
            {
                await Dialect.LockAsync(connection, transaction, SqlWriterLock.InSpace(BucketLockSpace, bucket), SqlWriterLockMode.Exclusive, token).ConfigureAwait(false);

                using var fence = connection.CreateCommand("UPDATE bulwark_shard_buckets SET state = @fenced WHERE bucket = @bucket AND state IN (@owned, @fenced);", transaction)
                    .With("bucket", bucket).With("fenced", Fenced).With("owned", Owned);
                var fenced = await fence.ExecuteNonQueryAsync(token).ConfigureAwait(false) == 1;
                return fenced;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lifts a fence without moving (a move given up before its flip).</summary>
    /// <param name="bucket">The bucket.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when writes go ahead again.</returns>
    public Task UnfenceAsync(int bucket, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE bulwark_shard_buckets SET state = @owned WHERE bucket = @bucket AND state = @fenced;",
            command => command.With("bucket", bucket).With("fenced", Fenced).With("owned", Owned),
            cancellationToken);

    /// <summary>Marks <paramref name="bucket"/> as moved away (after the flip): waiting writers are told to route again.</summary>
    /// <param name="bucket">The bucket.</param>
    /// <param name="mapVersion">The map version that gave it away.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the shard no longer owns the bucket.</returns>
    public Task ReleaseAsync(int bucket, long mapVersion, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE bulwark_shard_buckets SET state = @moved, map_version = @version WHERE bucket = @bucket;",
            command => command.With("bucket", bucket).With("moved", Moved).With("version", mapVersion),
            cancellationToken);

    /// <summary>The state of <paramref name="bucket"/> here (<see cref="Owned"/>, <see cref="Fenced"/>, <see cref="Moved"/>), or <see langword="null"/>.</summary>
    /// <param name="bucket">The bucket.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The state.</returns>
    public async Task<string?> StateAsync(int bucket, CancellationToken cancellationToken) =>
        await ScalarAsync("SELECT state FROM bulwark_shard_buckets WHERE bucket = @bucket;", command => command.With("bucket", bucket), cancellationToken).ConfigureAwait(false) as string;

    /// <summary>The keys written in <paramref name="bucket"/> on this shard.</summary>
    /// <param name="bucket">The bucket.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The keys.</returns>
    public async Task<IReadOnlyList<string>> KeysAsync(int bucket, CancellationToken cancellationToken) =>
        await QueryAsync("SELECT shard_key FROM bulwark_shard_keys WHERE bucket = @bucket;", command => command.With("bucket", bucket), static reader => reader.GetString(0), cancellationToken)
            .ConfigureAwait(false);

    /// <summary>Records keys copied in from another shard (a move's target).</summary>
    /// <param name="bucket">Their bucket.</param>
    /// <param name="keys">The keys.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when they are recorded.</returns>
    public async Task AddKeysAsync(int bucket, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var chunk in keys.Chunk(RowsPerStatement))
        {
            var sql = new StringBuilder("INSERT INTO bulwark_shard_keys (shard_key, bucket) VALUES ");
            sql.AppendJoin(", ", Enumerable.Range(0, chunk.Length).Select(i => string.Create(CultureInfo.InvariantCulture, $"(@k{i}, @bucket)")));
            sql.Append(" ON CONFLICT DO NOTHING;");
            await ExecuteAsync(
                sql.ToString(),
                command =>
                {
                    command.With("bucket", bucket);
                    for (var i = 0; i < chunk.Length; i++)
                    {
                        command.With(string.Create(CultureInfo.InvariantCulture, $"k{i}"), chunk[i]);
                    }

                    return command;
                },
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Forgets the keys of a bucket that moved away (after its rows are deleted).</summary>
    /// <param name="bucket">The bucket.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when they are forgotten.</returns>
    public Task DeleteKeysAsync(int bucket, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM bulwark_shard_keys WHERE bucket = @bucket;", command => command.With("bucket", bucket), cancellationToken);
}
