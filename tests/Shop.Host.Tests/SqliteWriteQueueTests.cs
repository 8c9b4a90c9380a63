using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Shop.Infrastructure.Data;

namespace Shop.Host.Tests;

/// <summary>
/// A SQLite file locked by someone else must not take the shop process down with it. SQLite waits for its write lock by
/// sleeping on the calling thread, so before writers queued in-process (<c>ShopDatabase.TakeWriteTurnAsync</c>) every
/// waiting sign-up held a pool thread. Alone in its collection, since it measures answer times; its bound is far from
/// both figures measured here at load 45: with the queue, readiness answered within 2.2 s; without it, in 18.9 s.
/// See docs/drills.md, "Silent Failure".
/// </summary>
[Collection(nameof(SqliteWriteQueueTests))]
public sealed class SqliteWriteQueueTests
{
    private const int Writers = 40;
    private static readonly TimeSpan ProbeFor = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LockedFile_ManyWritersWaiting_LivenessAndReadinessKeepAnswering()
    {
        Assert.SkipWhen(ShopTestData.OnPostgres, "SQLite's file lock only: PostgreSQL writers wait on rows, asynchronously.");
        await using var shop = await ShopProcess.StartAsync(
            launchExternals: false,
            extraArgs: ["--Bulwark:RateLimiting:Tiers:anonymous:PermitLimit=100000000", "--Bulwark:RateLimiting:Tiers:authenticated:PermitLimit=100000000"]);
        using (var ready = await shop.Client.GetAsync(new Uri("/health/ready", UriKind.Relative), Ct))
        {
            Assert.Equal(200, (int)ready.StatusCode);
        }

        await using var locker = new SqliteConnection($"Data Source={Path.Combine(shop.DataPath, "shop.db")};Pooling=False;Default Timeout=30");
        await locker.OpenAsync(Ct);
        await using (var take = locker.CreateCommand())
        {
            take.CommandText = "PRAGMA busy_timeout=30000; BEGIN EXCLUSIVE;";
            await take.ExecuteNonQueryAsync(Ct);
        }

        using var writersClient = new HttpClient { BaseAddress = shop.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var signUps = Enumerable.Range(0, Writers).Select(i => SignUpAsync(writersClient, i)).ToArray();

        // Probe for a fixed span while the writers wait on the lock: every answer must come fast.
        var live = new List<TimeSpan>();
        var readyStatuses = new List<int>();
        var readyTimes = new List<TimeSpan>();
        var probing = Stopwatch.StartNew();
        while (probing.Elapsed < ProbeFor)
        {
            live.Add(await TimeAsync(shop.Client, "/health/live", status => Assert.Equal(200, status)));
            readyTimes.Add(await TimeAsync(shop.Client, "/health/ready", readyStatuses.Add));
        }

        await using (var release = locker.CreateCommand())
        {
            release.CommandText = "ROLLBACK;";
            await release.ExecuteNonQueryAsync(Ct);
        }

        // A sign-up the shop never answered (its connection reset: seen once in CI, cause unknown) is reported with what the
        // shop logged above information, so the next one says why.
        int[] answered;
        try
        {
            answered = await Task.WhenAll(signUps);
        }
        catch (HttpRequestException e)
        {
            var said = shop.Lines.Where(l => !l.Contains("\"level\":\"info\"", StringComparison.Ordinal)).TakeLast(20);
            Assert.Fail($"A sign-up got no answer ({e.Message} {e.InnerException?.Message}); the shop logged:\n{string.Join('\n', said)}");
            throw;
        }

        var figures = $"liveness slowest {live.Max().TotalMilliseconds:0} ms of {live.Count}; readiness slowest {readyTimes.Max().TotalMilliseconds:0} ms, "
            + $"statuses {string.Join(",", readyStatuses.Distinct())}; sign-ups answered {string.Join(",", answered.Order().Distinct())}";
        TestContext.Current.TestOutputHelper?.WriteLine(figures);
        Assert.True(live.Max() <= AnswerWithin, "Liveness starved while writers waited on the locked file: " + figures);
        Assert.True(readyTimes.Max() <= AnswerWithin, "Readiness starved while writers waited on the locked file: " + figures);
        Assert.Contains(503, readyStatuses);
        // Nothing hung: every sign-up was answered (written after the release, or refused while locked), none lost to a 500 crash loop.
        Assert.All(answered, status => Assert.True(status is 201 or 503 or 504, figures));

        // And the shop writes again once the file is free.
        Assert.Equal(201, await SignUpAsync(shop.Client, Writers));
    }

    [Fact]
    public async Task WriteTurn_HeldByAnotherWriter_WaitsWithoutAThreadAndFailsAsBusyAtTheBound()
    {
        var time = new FakeTimeProvider();
        await using var database = new ShopDatabase(new ShopDataOptions { Provider = ShopDataProvider.Sqlite, Path = Path.Combine(Path.GetTempPath(), "bulwark-turn-" + Guid.NewGuid().ToString("N")) });
        var first = await database.TakeWriteTurnAsync(time, Ct);
        Assert.NotNull(first);

        var second = database.TakeWriteTurnAsync(time, Ct).AsTask();
        var third = database.TakeWriteTurnAsync(time, Ct).AsTask();
        Assert.False(second.IsCompleted);
        time.Advance(ShopDatabase.SqliteBusyTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(second.IsCompleted);
        first.Dispose();
        first.Dispose(); // a second dispose must not free a turn it no longer holds
        using (var turn = await second)
        {
            Assert.NotNull(turn);
            time.Advance(ShopDatabase.SqliteBusyTimeout);
            var busy = await Assert.ThrowsAsync<SqliteException>(() => third);
            Assert.Equal(5, busy.SqliteErrorCode);
        }

        // The timed-out waiter took nothing: the next one gets its turn at once.
        using var next = await database.TakeWriteTurnAsync(time, Ct);
        Assert.NotNull(next);
    }

    [Fact]
    public async Task WriteTurn_HeldWhileTheDatabaseIsDisposed_IsGivenBackWithoutThrowing()
    {
        // A write still in flight when the host shuts down ends after the container disposed the database.
        var database = new ShopDatabase(new ShopDataOptions { Provider = ShopDataProvider.Sqlite, Path = Path.Combine(Path.GetTempPath(), "bulwark-turn-" + Guid.NewGuid().ToString("N")) });
        var turn = await database.TakeWriteTurnAsync(TimeProvider.System, Ct);
        Assert.NotNull(turn);

        await database.DisposeAsync();

        turn.Dispose();
    }

    [Fact]
    public async Task WriteTurn_OnPostgres_IsNotNeeded()
    {
        await using var database = new ShopDatabase(new ShopDataOptions { Provider = ShopDataProvider.Postgres, ConnectionString = "Host=127.0.0.1;Database=none" });
        Assert.Null(await database.TakeWriteTurnAsync(TimeProvider.System, Ct));
    }

    private static async Task<TimeSpan> TimeAsync(HttpClient client, string path, Action<int> status)
    {
        var watch = Stopwatch.StartNew();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Ct);
        watch.Stop();
        status((int)response.StatusCode);
        return watch.Elapsed;
    }

    private static async Task<int> SignUpAsync(HttpClient client, int i)
    {
        using var response = await client.PostAsJsonAsync(
            new Uri("/api/users", UriKind.Relative),
            new { email = $"queued-{i}-{Guid.NewGuid():N}@example.com", displayName = "Queued writer", password = "correct-horse-battery-staple" },
            Ct);
        return (int)response.StatusCode;
    }
}

[CollectionDefinition(nameof(SqliteWriteQueueTests), DisableParallelization = true)]
public sealed class SqliteWriteQueueTestGroup;
