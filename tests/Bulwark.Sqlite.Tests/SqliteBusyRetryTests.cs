using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Sqlite.Tests;

/// <summary>Issue 10: writers on one SQLite file wait their turn instead of failing (docs/data-consistency.md).</summary>
public sealed class SqliteBusyRetryTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BeginTransactionAsync_Default_TakesTheWriteLockUpFront()
    {
        // The shop relies on this: a read-then-write transaction must never need a lock upgrade (a deferred one fails
        // at once with SQLITE_BUSY, without waiting, when another writer committed first).
        await using var first = await _database.OpenAsync(Ct);
        await using var held = await first.BeginTransactionAsync(Ct);
        await using var second = new SqliteConnection(new SqliteConnectionStringBuilder(_database.ConnectionString) { DefaultTimeout = 1 }.ToString());
        await second.OpenAsync(Ct);

        var busy = await Assert.ThrowsAsync<SqliteException>(async () => await second.BeginTransactionAsync(Ct));

        Assert.True(SqliteBusyRetry.IsBusy(busy));
    }

    [Fact]
    public async Task RunAsync_BusyTwiceThenDone_RunsAgainAfterPausesOnTheClock()
    {
        var time = new FakeTimeProvider();
        var attempts = 0;

        var run = SqliteBusyRetry.RunAsync(_ => ++attempts <= 2 ? throw new SqliteException("database is locked", 5) : Task.FromResult(42), time, Ct);
        Assert.Equal(1, attempts);
        await AdvanceUntilDoneAsync(time, run);

        Assert.Equal(42, await run);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task RunAsync_AlwaysBusy_GivesUpAfterMaxAttempts()
    {
        var time = new FakeTimeProvider();
        var attempts = 0;

        var run = SqliteBusyRetry.RunAsync<int>(_ =>
        {
            attempts++;
            throw new SqliteException("database is locked", 5);
        }, time, Ct);
        await AdvanceUntilDoneAsync(time, run);

        await Assert.ThrowsAsync<SqliteException>(() => run);
        Assert.Equal(SqliteBusyRetry.MaxAttempts, attempts);
    }

    [Fact]
    public async Task RunAsync_OtherError_NotRetried()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<SqliteException>(() => SqliteBusyRetry.RunAsync<int>(_ =>
        {
            attempts++;
            throw new SqliteException("UNIQUE constraint failed", 19);
        }, new FakeTimeProvider(), Ct));

        Assert.Equal(1, attempts);
    }

    public void Dispose() => _database.Dispose();

    // The pauses run on the fake clock: move it until the retries are over (bounded), never wait real time.
    private static async Task AdvanceUntilDoneAsync(FakeTimeProvider time, Task run)
    {
        for (var i = 0; i < 100 && !run.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }
    }
}
