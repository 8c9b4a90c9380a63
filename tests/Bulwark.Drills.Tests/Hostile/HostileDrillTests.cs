using Bulwark.Drills.Hostile;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Reports;

namespace Bulwark.Drills.Tests.Hostile;

/// <summary>The Hostile drill end to end against a tiny shop on Kestrel: once with issue 9's holes, once built to the contract.</summary>
public sealed class HostileDrillTests
{
    private static HostileOptions Options(Uri provider) => new()
    {
        ProviderUrl = provider,
        OversizeRounds = 1,
        IdleConnections = 50,
        SettleFor = TimeSpan.FromSeconds(2),
        SettlePollInterval = TimeSpan.FromMilliseconds(50),
    };

    private static Task<DrillReport> RunAsync(FakeShop shop) =>
        new DrillRunner(TimeProvider.System).RunAsync(
            new HostileDrill(Options(shop.BaseAddress)),
            new DrillContext(shop.BaseAddress, TimeProvider.System, new LoadGenerator(TimeProvider.System), defaultHeaders: new Dictionary<string, string> { ["X-Api-Key"] = FakeShop.OperatorKey }),
            TestContext.Current.CancellationToken);

    [Fact]
    public async Task Run_ShopWithTodaysHoles_FailsNamingEveryAttack()
    {
        await using var shop = await FakeShop.StartAsync(secure: false);

        var report = await RunAsync(shop);

        TestContext.Current.TestOutputHelper?.WriteLine(DrillReportWriter.ToMarkdown(report));
        Assert.True(report.Verdict.Outcome == DrillOutcome.Failed, report.Verdict.Reason);
        var failed = report.Verdict.Figures.Where(f => f.Ok == false).Select(f => f.Name).ToList();
        foreach (var check in new[] { "0 identity", "1 one-cent", "2 cross-customer", "3 anonymous", "4 oversize", "5 idempotency scope", "6 validation", "7 management" })
        {
            Assert.Contains(failed, f => f.StartsWith($"[{check}]", StringComparison.Ordinal));
        }

        Assert.Contains(report.Verdict.Figures, f => f.Name.Contains("provider charges under the order's key", StringComparison.Ordinal) && f.Value == 1);
        Assert.Contains(report.Verdict.Findings, f => f.Contains("got A's order", StringComparison.Ordinal));
        Assert.Contains(report.Verdict.Findings, f => f.Contains("went from 5000 to 0 cents", StringComparison.Ordinal));
        // The report quotes the shop's answers, which echo the hostile names: a bidi override would re-order the report itself.
        Assert.DoesNotContain(report.Verdict.Findings, f => f.Contains('\u202E', StringComparison.Ordinal) || f.Contains('\0', StringComparison.Ordinal));
        Assert.Contains(report.Verdict.Findings, f => f.Contains("\\u202E", StringComparison.Ordinal));
    }

    // Before issue 9 the shop failed this drill (30 of 38 probes got through, docs/drills.md "Hostile"). With the
    // identity work (main 0497055) every check passes but 4: 1.1 and 3.3 MB bodies still answer 500 now and then.
    [Fact]
    public async Task Run_RealShop_Passes()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider, "--environment=Development");
        var options = Options(new Uri(provider.Urls.First()));
        options.TargetIsDevelopment = true;
        options.IdleConnections = 500;

        var report = await new DrillRunner(TimeProvider.System).RunAsync(
            new HostileDrill(options),
            new DrillContext(new Uri(shop.Urls.First()), TimeProvider.System, new LoadGenerator(TimeProvider.System), defaultHeaders: new Dictionary<string, string> { ["X-Api-Key"] = "demo-admin-key-change-me" }),
            TestContext.Current.CancellationToken);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason + " | " + string.Join(" | ", report.Verdict.Findings));
    }

    [Fact]
    public async Task Run_ShopBuiltToTheContract_Passes()
    {
        await using var shop = await FakeShop.StartAsync(secure: true);

        var report = await RunAsync(shop);

        TestContext.Current.TestOutputHelper?.WriteLine(DrillReportWriter.ToMarkdown(report));
        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason + " | " + string.Join(" | ", report.Verdict.Findings));
        Assert.Contains(report.Verdict.Figures, f => f.Name.StartsWith("[8 idle connections] idle connections opened from 127.0.0.2", StringComparison.Ordinal) && f.Value == 50);
        Assert.Contains(report.Verdict.Figures, f => f.Name.StartsWith("[4 oversize]", StringComparison.Ordinal) && f.Value == 413);
        Assert.Contains(report.Verdict.Figures, f => f.Name.StartsWith("[6 validation] operator", StringComparison.Ordinal) && f.Ok == true);
    }
}
