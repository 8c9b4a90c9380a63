using System.Diagnostics;
using System.Net;
using Microsoft.Data.Sqlite;

namespace Shop.Host.Tests.Issues;

/// <summary>
/// Issue 15, Silent Failure: with the SQLite file's write lock held by someone else (a stuck job, a console), readers
/// pass in WAL mode but every write waits and fails. Readiness must say so, fast; it used to read a table and stay 200.
/// </summary>
public sealed class Issue15ReadinessDatabaseLockTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HealthReady_WriteLockHeldByAnotherConnection_Answers503WithinItsTimeoutWhileLiveStays200()
    {
        Assert.SkipWhen(ShopTestData.OnPostgres, "the lock held here is SQLite's; the PostgreSQL run checks the same readiness against its own server");
        await using var shop = await RunningShop.StartAsync();
        // A loaded machine's first probes may meet the shop's own start-up writes; ready once is what matters here.
        var before = await ReadyWithinAsync(shop, TimeSpan.FromSeconds(10));
        Assert.True(before is null, $"the shop never became ready before the lock was taken: {before}");

        await using var holder = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(shop.DataPath, "shop.db"), Pooling = false, DefaultTimeout = 30 }.ToString());
        await holder.OpenAsync(Ct);
        await using (var begin = holder.CreateCommand())
        {
            begin.CommandText = "PRAGMA busy_timeout=30000; BEGIN EXCLUSIVE;";
            await begin.ExecuteNonQueryAsync(Ct);
        }

        var clock = Stopwatch.StartNew();
        using var ready = await shop.Client.GetAsync("/health/ready", Ct);
        var took = clock.Elapsed;
        using var live = await shop.Client.GetAsync("/health/live", Ct);
        await using (var rollback = holder.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync(Ct);
        }

        // The probe that met the lock may still be running when the lock goes (SQLite gives up about a second after it
        // began), and a probe arriving meanwhile shares its answer; the next one must see the database back.
        var after = await ReadyWithinAsync(shop, TimeSpan.FromSeconds(5));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        // Shop:Data:ReadinessTimeout is 1 s; the shop's writers wait 5 s. Room for a loaded machine, not for a hang.
        Assert.True(took < TimeSpan.FromSeconds(4), $"readiness took {took.TotalMilliseconds:0} ms to fail");
        Assert.True(after is null, $"readiness did not come back within 5 s of the lock's release: {after}");
    }

    /// <summary>Asks readiness until it answers 200, for at most <paramref name="within"/>.</summary>
    /// <returns>Null when ready; otherwise the last answer's status and body.</returns>
    private static async Task<string?> ReadyWithinAsync(RunningShop shop, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        string last;
        do
        {
            using var response = await shop.Client.GetAsync("/health/ready", Ct);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return null;
            }

            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}";
        }
        while (clock.Elapsed < within);

        return last;
    }
}
