using Bulwark.Drills.CacheMiss;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Tests.Interceptors;
using Bulwark.ShopClient;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Drills.Tests.CacheMiss;

/// <summary>
/// Cache Miss end to end: the real shop's catalogue cache flushed under reads, loads counted on its /metrics. On the
/// embedded SQLite file a load takes well under a millisecond, too short for a herd to overlap even without protection;
/// the pass/fail pair therefore runs the shop on real PostgreSQL behind a fault proxy that adds 20 ms per hop, a
/// database already busy, where an unprotected cache lets the herd through.
/// </summary>
public sealed class CacheMissDrillTests
{
    private static readonly CacheMissOptions Quick = new() { Duration = TimeSpan.FromSeconds(3), FlushAfter = TimeSpan.FromSeconds(1), ReadRatePerSecond = 50, ReadP99Threshold = TimeSpan.FromSeconds(5) };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_EmbeddedShop_AtMostOneLoadPerFlushedKey()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider);

        var report = await new DrillRunner(TimeProvider.System).RunAsync(new CacheMissDrill(Quick), Context(shop), Ct);

        DrillLog.Verdict(report);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        Assert.InRange(report.Verdict.Figures.Single(f => f.Name == "database loads after the flush").Value, 1, 10);
        Assert.Contains(report.Timeline.Faults, f => f.Name == "cache flushed");
    }

    // CI's "flush that emptied nothing" (stops 20, 21): another test's shop in the same process read products and
    // stopped, and its disposed meter switched this shop's load counter off, so /metrics showed no load after the flush.
    [Fact]
    public async Task Run_AfterAnotherShopInTheProcessStopped_CountsThisShopsLoads()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        // Two cold shops at once on a loaded machine: a first read may outlast the 5 s default deadline (a 504).
        string[] patient = ["--Bulwark:Deadlines:DefaultBudget=00:00:30"];
        await using var shop = await ShopUnderTest.StartShopAsync(provider, patient);
        var other = await ShopUnderTest.StartShopAsync(provider, patient);
        try
        {
            // Both shops load a product while both run, so each one's counter exists when the other stops.
            foreach (var running in new[] { shop, other })
            {
                using var client = new HttpClient { BaseAddress = new Uri(running.Urls.First()) };
                using var read = await client.GetAsync(new Uri(ShopPaths.Product(1), UriKind.Relative), Ct);
                Assert.True(read.IsSuccessStatusCode, $"GET {ShopPaths.Product(1)} answered {(int)read.StatusCode}");
            }
        }
        finally
        {
            await other.DisposeAsync();
        }

        var report = await new DrillRunner(TimeProvider.System).RunAsync(new CacheMissDrill(Quick), Context(shop), Ct);

        DrillLog.Verdict(report);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        Assert.InRange(report.Verdict.Figures.Single(f => f.Name == "database loads after the flush").Value, 1, 10);
    }

    [Fact]
    public async Task Run_SlowDatabaseWithOneLoaderPerKey_AtMostOneLoadPerFlushedKey()
    {
        var report = await RunOnSlowDatabaseAsync("cache_miss_on", null);

        DrillLog.Verdict(report);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        Assert.InRange(report.Verdict.Figures.Single(f => f.Name == "database loads after the flush").Value, 1, 10);
    }

    [Fact]
    public async Task Run_SlowDatabaseWithoutStampedeProtection_FailsOnTheHerdReachingTheDatabase()
    {
        var report = await RunOnSlowDatabaseAsync("cache_miss_off", NoStampedeProtection.Register);

        DrillLog.Verdict(report);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Failed, report.Verdict.Reason);
        Assert.Contains("cache stampede", report.Verdict.Reason, StringComparison.Ordinal);
        Assert.True(report.Verdict.Figures.Single(f => f.Name == "database loads after the flush").Value > 10);
    }

    [Fact]
    public async Task Run_WithoutAnOperatorKey_IsSkippedNamingTheFlag()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider);
        var context = new DrillContext(new Uri(shop.Urls.First()), TimeProvider.System, new LoadGenerator(TimeProvider.System));

        var report = await new DrillRunner(TimeProvider.System).RunAsync(new CacheMissDrill(Quick), context, Ct);

        DrillLog.Verdict(report);

        Assert.Equal(DrillOutcome.Skipped, report.Verdict.Outcome);
        Assert.Contains("--api-key", report.Verdict.Reason, StringComparison.Ordinal);
    }

    // A fresh database on the real PostgreSQL server behind a fault proxy, slowed after the shop's start-up.
    private static async Task<DrillReport> RunOnSlowDatabaseAsync(string purpose, Action<IServiceCollection>? register)
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var database = await SlowPostgres.StartAsync(purpose);
        await using var shop = await ShopUnderTest.StartShopAsync(provider, register, database.ShopArgs);
        database.SlowDown();
        return await new DrillRunner(TimeProvider.System).RunAsync(new CacheMissDrill(Quick), Context(shop), Ct);
    }

    private static DrillContext Context(WebApplication shop) =>
        new(new Uri(shop.Urls.First()), TimeProvider.System, new LoadGenerator(TimeProvider.System), [], ShopUnderTest.DrillHeaders);
}
