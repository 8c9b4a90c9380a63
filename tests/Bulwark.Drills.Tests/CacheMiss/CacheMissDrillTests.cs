using Bulwark.Drills.CacheMiss;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Proxy;
using Bulwark.Drills.Tests.Interceptors;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
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

    // Twice in CI (stop 20, stop 21) a shop on the slow PostgreSQL served the whole run from a cache its flush had not
    // emptied: "no database load followed the flush", the herd all 200 with p99 70 ms, and a second run on the same
    // shop the same. Never reproduced here; the cause is not found (docs/drills.md, Cache Miss). Such a run tested
    // nothing, so it is run again once on a fresh shop and database; a verdict either way is judged as it is.
    private static async Task<DrillReport> RunOnSlowDatabaseAsync(string purpose, Action<IServiceCollection>? register)
    {
        DrillReport? report = null;
        for (var attempt = 1; attempt <= 2 && report?.Verdict.Outcome is null or DrillOutcome.Inconclusive; attempt++)
        {
            if (report is not null)
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"Attempt {attempt - 1} inconclusive, again on a fresh shop: {report.Verdict.Reason}");
            }

            await using var provider = await ShopUnderTest.StartProviderAsync();
            await using var database = await SlowPostgres.StartAsync(purpose);
            await using var shop = await ShopUnderTest.StartShopAsync(provider, register, database.ShopArgs);
            database.SlowDown();
            report = await new DrillRunner(TimeProvider.System).RunAsync(new CacheMissDrill(Quick), Context(shop), Ct);
        }

        return report!;
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
