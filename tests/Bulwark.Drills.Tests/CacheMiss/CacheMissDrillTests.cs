using Bulwark.Drills.CacheMiss;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Proxy;
using Bulwark.Drills.Tests.Interceptors;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Npgsql;

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

    [Fact]
    public async Task Run_SlowDatabaseWithOneLoaderPerKey_AtMostOneLoadPerFlushedKey()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var database = await SlowPostgres.StartAsync("cache_miss_on");
        await using var shop = await ShopUnderTest.StartShopAsync(provider, null, database.ShopArgs);
        database.SlowDown();

        var report = await RunConclusiveAsync(shop);

        DrillLog.Verdict(report);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        Assert.InRange(report.Verdict.Figures.Single(f => f.Name == "database loads after the flush").Value, 1, 10);
    }

    [Fact]
    public async Task Run_SlowDatabaseWithoutStampedeProtection_FailsOnTheHerdReachingTheDatabase()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var database = await SlowPostgres.StartAsync("cache_miss_off");
        await using var shop = await ShopUnderTest.StartShopAsync(provider, NoStampedeProtection.Register, database.ShopArgs);
        database.SlowDown();

        var report = await RunConclusiveAsync(shop);

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

    // Once in a CI run on a loaded machine the drill saw no load after its flush and said so (Inconclusive: nothing was
    // tested), which no run here reproduced. An experiment that did not happen is run again, once; a verdict is judged.
    private static async Task<DrillReport> RunConclusiveAsync(WebApplication shop)
    {
        var report = await new DrillRunner(TimeProvider.System).RunAsync(new CacheMissDrill(Quick), Context(shop), Ct);
        if (report.Verdict.Outcome != DrillOutcome.Inconclusive)
        {
            return report;
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"First run inconclusive, run again: {report.Verdict.Reason}");
        return await new DrillRunner(TimeProvider.System).RunAsync(new CacheMissDrill(Quick), Context(shop), Ct);
    }

    private static DrillContext Context(WebApplication shop) =>
        new(new Uri(shop.Urls.First()), TimeProvider.System, new LoadGenerator(TimeProvider.System), [], ShopUnderTest.DrillHeaders);

    /// <summary>A fresh database on the real PostgreSQL server, reached through a fault proxy the test can slow down.</summary>
    private sealed class SlowPostgres(FaultProxy proxy, string name, string[] shopArgs) : IAsyncDisposable
    {
        public string[] ShopArgs => shopArgs;

        public static async Task<SlowPostgres> StartAsync(string purpose)
        {
            var name = $"drills_{purpose}_{Guid.NewGuid():N}"[..40];
            var direct = new NpgsqlConnectionStringBuilder(await PostgresScratch.CreateAsync(name));
            var port = FreePort.Next();
            var proxy = new FaultProxy(new FaultProxyOptions { UpstreamHost = direct.Host!, UpstreamPort = direct.Port, ListenPort = port }, TimeProvider.System).Start();
            var viaProxy = new NpgsqlConnectionStringBuilder(direct.ConnectionString) { Host = "127.0.0.1", Port = port };
            return new SlowPostgres(proxy, name, ["--Shop:Data:Provider=Postgres", $"--Shop:Data:ConnectionString={viaProxy.ConnectionString}"]);
        }

        // After start-up (migrations would crawl): from now on every chunk each way waits 20 ms, a query about 40 ms.
        public void SlowDown() => proxy.SetFaults(new ProxyFaults { LatencyMs = 20 });

        public async ValueTask DisposeAsync()
        {
            await proxy.DisposeAsync();
            await PostgresScratch.DropAsync(name);
        }
    }
}
