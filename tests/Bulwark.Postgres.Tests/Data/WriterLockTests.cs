using System.Data.Common;
using Bulwark.Data;
using Npgsql;

namespace Bulwark.Postgres.Tests.Data;

/// <summary>
/// Issue 11: the writer locks the event store and the shard buckets take are the dialect's, on the real server. A
/// second transaction asks with a short <c>lock_timeout</c>: refused while the lock is held, granted once it is not, so
/// no test waits on a clock.
/// </summary>
public sealed class WriterLockTests : IAsyncLifetime
{
    private readonly PostgresTestDatabase _database = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PostgresDialect Dialect => PostgresDialect.Instance;

    public async ValueTask InitializeAsync() => await _database.CreateAsync();

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task LockAsync_ExclusiveHeld_AnotherExclusiveWaitsUntilTheHolderCommits()
    {
        var name = SqlWriterLock.Of(0x0B17_7E57);
        await using var holder = await BeginAsync();
        await Dialect.LockAsync(holder.Connection, holder.Transaction, name, SqlWriterLockMode.Exclusive, Ct);

        await using var other = await BeginAsync();
        Assert.False(await TryLockAsync(other, name, SqlWriterLockMode.Exclusive));

        await holder.Transaction.CommitAsync(Ct);
        await using var after = await BeginAsync();
        Assert.True(await TryLockAsync(after, name, SqlWriterLockMode.Exclusive));
    }

    [Fact]
    public async Task LockAsync_SharedHeld_SharedIsGrantedAndExclusiveWaits()
    {
        var bucket = SqlWriterLock.InSpace(0x0B17_7E57, 42);
        await using var writer = await BeginAsync();
        await Dialect.LockAsync(writer.Connection, writer.Transaction, bucket, SqlWriterLockMode.Shared, Ct);

        await using var otherWriter = await BeginAsync();
        Assert.True(await TryLockAsync(otherWriter, bucket, SqlWriterLockMode.Shared));

        await using var fence = await BeginAsync();
        Assert.False(await TryLockAsync(fence, bucket, SqlWriterLockMode.Exclusive));

        await using var otherBucket = await BeginAsync();
        Assert.True(await TryLockAsync(otherBucket, SqlWriterLock.InSpace(0x0B17_7E57, 43), SqlWriterLockMode.Exclusive));
    }

    [Fact]
    public async Task LockAsync_OneKeyAndTwoKeyNamesWithTheSameBits_NeverMeet()
    {
        // The event store's one-key append lock and the buckets' two-key locks must stay apart even where the bits agree.
        await using var holder = await BeginAsync();
        await Dialect.LockAsync(holder.Connection, holder.Transaction, SqlWriterLock.Of((7L << 32) | 9), SqlWriterLockMode.Exclusive, Ct);

        await using var other = await BeginAsync();
        Assert.True(await TryLockAsync(other, SqlWriterLock.InSpace(7, 9), SqlWriterLockMode.Exclusive));
    }

    private async Task<Open> BeginAsync()
    {
        var connection = await _database.DataSource.OpenConnectionAsync(Ct);
        var transaction = await Dialect.BeginWriteAsync(connection, Ct);
        return new Open(connection, transaction);
    }

    private static async Task<bool> TryLockAsync(Open open, SqlWriterLock name, SqlWriterLockMode mode)
    {
        using (var timeout = open.Connection.CreateCommand("SET LOCAL lock_timeout = '200ms';", open.Transaction))
        {
            await timeout.ExecuteNonQueryAsync(Ct);
        }

        try
        {
            await Dialect.LockAsync(open.Connection, open.Transaction, name, mode, Ct);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            return false;
        }
    }

    private sealed record Open(DbConnection Connection, DbTransaction Transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }
}
