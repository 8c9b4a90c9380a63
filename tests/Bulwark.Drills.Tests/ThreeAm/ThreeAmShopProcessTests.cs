using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Switches;
using Bulwark.Drills.ThreeAm;
using Bulwark.Edge.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace Bulwark.Drills.Tests.ThreeAm;

/// <summary>
/// 3 AM's passing half: the deployed rules and runbook, a real Prometheus at 1/20 time, the shop as its own process
/// (what Prometheus scrapes in production: one host per <c>/metrics</c>) and the payment stand-in as <c>payments</c>.
/// </summary>
[Collection(ThreeAmAlone.Name)]
public sealed class ThreeAmShopProcessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_DeployedRulesAgainstAShopProcess_PagesOnTheOutageAndNotOnTheDisk()
    {
        ThreeAmDrillTests.RequirePrometheus();
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopHostProcess.StartAsync(new Uri(provider.Urls.First()), ShopHostProcess.NoPerClientLimits);
        // A cold shop's first reads (JIT, SQLite) take seconds on a busy machine: not part of what the drill measures.
        await shop.WarmUpAsync();

        var report = await RunAsync(shop, provider);
        if (report.Verdict.Outcome == DrillOutcome.Inconclusive)
        {
            // Prometheus could not scrape the shop during the outage (the machine, not the rules): measure once more.
            TestContext.Current.TestOutputHelper?.WriteLine("Inconclusive, run again: " + report.Verdict.Reason);
            report = await RunAsync(shop, provider);
        }

        var figures = string.Join("; ", report.Verdict.Figures.Select(f => $"{f.Name} = {f.Value} {f.Unit} ({f.Threshold})"));
        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, $"{report.Verdict.Outcome}: {report.Verdict.Reason} | {figures}");
        Assert.True(report.Restored, "the provider is back and Prometheus stopped");
        Assert.Contains(report.Verdict.Figures, f => f.Name == "pages while only a disk was 80% full" && f.Value == 0);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "rules without a runbook section" && f.Value == 0);
        var fired = Assert.Single(report.Verdict.Figures, f => f.Name == "HighErrorRate fired after the outage began");
        Assert.True(fired.Ok == true && fired.Value > 0, figures);
    }

    private static async Task<DrillReport> RunAsync(ShopHostProcess shop, WebApplication provider)
    {
        var options = new ThreeAmOptions
        {
            RulesFile = Path.Combine(ThreeAmDrillTests.Root, "deploy", "prometheus", "alerts.yml"),
            RunbookFile = Path.Combine(ThreeAmDrillTests.Root, "docs", "runbook.md"),
        };
        var context = new DrillContext(shop.BaseAddress, TimeProvider.System, new LoadGenerator(TimeProvider.System),
            [new StandInFaultSwitch("payments", new Uri(provider.Urls.First()))], ShopUnderTest.DrillHeaders);
        var report = await new DrillRunner(TimeProvider.System).RunAsync(new ThreeAmDrill(options), context, Ct);
        DrillLog.Verdict(report);
        return report;
    }
}

/// <summary>
/// Runs alone: a page within seconds needs Prometheus to scrape every 2 s, and beside the other drills' load on two
/// cores its scrapes time out and the drill measures the machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreeAmAlone
{
    public const string Name = "3 AM alone";
}
