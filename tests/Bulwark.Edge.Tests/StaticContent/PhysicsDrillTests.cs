using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Physics;
using Bulwark.Edge.Tests.Support;
using Bulwark.Testing;

namespace Bulwark.Edge.Tests.StaticContent;

/// <summary>
/// The Physics drill (static content offloading, Codex 19) against the real shop process behind a real Varnish: it
/// passes while the shop marks its content-hashed assets immutable, and fails when the same shop sends them no-cache.
/// </summary>
[Collection(ShopProcesses.Name)]
public sealed class PhysicsDrillTests
{
    private const string PhysicsOptionsCacheControl = "public, max-age=31536000, immutable";

    [Fact]
    public async Task Drill_ShopBehindVarnish_ImmutableAssets_Passes()
    {
        VarnishCdn.Require();
        var cdnPort = FreePort.Next();
        await using var shop = await ShopHostProcess.StartAsync(null, $"--Shop:Static:CdnBaseUrl=http://127.0.0.1:{cdnPort}/");
        await using var cdn = await VarnishCdn.StartAsync(cdnPort, shop.BaseAddress);
        await WarmUpAsync(shop);
        var report = await RunAsync(shop.BaseAddress, pageLoads: 1_000);
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("\n", report.Verdict.Figures.Select(f => $"{f.Name}: {f.Value} {f.Unit}")));
        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        // 1,000 pages × (stylesheet, script, picture) went to the CDN; the origin saw (about) none of them.
        Assert.Contains(report.Verdict.Figures, f => f.Name == "asset fetches" && f.Value == 3_000);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "origin static requests" && f.Value <= 30);
    }

    [Fact]
    public async Task Drill_ShopSendsAssetsNoCache_Fails()
    {
        VarnishCdn.Require();
        var cdnPort = FreePort.Next();
        await using var shop = await ShopHostProcess.StartAsync(null, $"--Shop:Static:CdnBaseUrl=http://127.0.0.1:{cdnPort}/", "--Shop:Static:CacheControl=no-cache");
        await using var cdn = await VarnishCdn.StartAsync(cdnPort, shop.BaseAddress);
        await WarmUpAsync(shop);
        var report = await RunAsync(shop.BaseAddress, pageLoads: 200);
        Assert.Equal(DrillOutcome.Failed, report.Verdict.Outcome);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "asset fetches that reached the origin" && f.Ok == false && f.Value >= 99);
        Assert.Contains(report.Verdict.Findings, f => f.Contains("no-cache", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_OneOriginRequestInAThousandFetches_Passes()
    {
        var verdict = PhysicsJudge.Judge(new PhysicsMeasurements(1_000, 0, 3_000, 0, 1, 0, 2_999, PhysicsOptionsCacheControl, []), new PhysicsOptions());
        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
    }

    [Fact]
    public void Judge_AssetsLinkedOnTheOrigin_FailsAndSaysToConfigureTheCdn()
    {
        var verdict = PhysicsJudge.Judge(new PhysicsMeasurements(1_000, 0, 3_000, 0, 3_000, 3_000, 0, PhysicsOptionsCacheControl, []), new PhysicsOptions());
        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains(verdict.Findings, f => f.Contains("Shop:Static:CdnBaseUrl", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_NoAssetsLinked_Fails()
    {
        var verdict = PhysicsJudge.Judge(new PhysicsMeasurements(1_000, 0, 0, 0, 0, 0, 0, null, []), new PhysicsOptions());
        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
    }

    // A cold shop's first pages (JIT, catalogue cache, static asset manifest) can take longer than its 5 s request
    // deadline on a busy two-core machine, and the drill's own precondition allows 5 s: load pages until three in a row
    // are served, bounded by a minute.
    private static async Task WarmUpAsync(ShopHostProcess shop)
    {
        using var client = new HttpClient { BaseAddress = shop.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var served = 0;
        var last = "";
        for (var i = 1; served < 3 && clock.Elapsed < TimeSpan.FromMinutes(1); i++)
        {
            try
            {
                using var page = await client.GetAsync(new Uri($"/products/{i % 20 + 1}", UriKind.Relative), TestContext.Current.CancellationToken);
                served = page.IsSuccessStatusCode ? served + 1 : 0;
                last = ((int)page.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (TaskCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                served = 0;
                last = "timeout";
            }
        }

        Assert.True(served >= 3, $"The shop did not serve its product pages within a minute (last: {last}).");
    }

    private static async Task<DrillReport> RunAsync(Uri shop, int pageLoads)
    {
        var drill = new PhysicsDrill(new PhysicsOptions { PageLoads = pageLoads, Workers = 8 });
        var context = new DrillContext(shop, TimeProvider.System, new LoadGenerator(TimeProvider.System));
        return await new DrillRunner(TimeProvider.System).RunAsync(drill, context, TestContext.Current.CancellationToken);
    }
}
