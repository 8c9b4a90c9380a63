using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Switches;
using Bulwark.Drills.ThreeAm;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;

namespace Bulwark.Drills.Tests.ThreeAm;

/// <summary>
/// 3 AM end to end: a real Prometheus (Debian's package) runs the alert rules at 1/20 time against the real shop and a
/// disk stand-in 80% full; the payment stand-in goes down under customer traffic.
/// </summary>
public sealed class ThreeAmDrillTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static string Root { get; } = FindRoot();

    // The passing half is ThreeAmShopProcessTests: the shop as its own process, one host per scrape.
    [Fact]
    public async Task Run_RulesThatPageOnTheDiskAndLackARunbook_Fails()
    {
        RequirePrometheus();
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider);
        // The deployed rules plus the alert the Codex warns about: a cause (disk 80% full) at page severity, no runbook.
        var rules = Path.Combine(Directory.CreateTempSubdirectory("bulwark-3am-rules-").FullName, "alerts.yml");
        await File.WriteAllTextAsync(rules, await File.ReadAllTextAsync(Path.Combine(Root, "deploy/prometheus/alerts.yml"), Ct) + """
              - name: causes
                rules:
                  - alert: DiskAlmostFull
                    expr: max by (instance) (1 - node_filesystem_avail_bytes / node_filesystem_size_bytes) > 0.75
                    for: 2m
                    labels:
                      severity: critical

            """, Ct);

        var report = await new DrillRunner(TimeProvider.System).RunAsync(new ThreeAmDrill(Options(rules)), Context(shop, provider), Ct);

        DrillLog.Verdict(report);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Failed, report.Verdict.Reason);
        Assert.Contains("DiskAlmostFull has no runbook_url", report.Verdict.Reason, StringComparison.Ordinal);
        Assert.Contains("A disk 80% full (no user in pain) paged: DiskAlmostFull", report.Verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ScalesForAndRangeWindowsButNotThresholds()
    {
        var rendered = AlertRules.Render("        expr: rate(x[2m]) > 300\n        for: 5m\n", 30, TimeSpan.FromSeconds(3));

        Assert.Equal("        expr: rate(x[4000ms]) > 300\n        for: 10000ms\n", rendered);
    }

    [Fact]
    public void RunbookProblems_DeployedRules_EveryAlertLinksAnExistingSection()
    {
        var rules = AlertRules.Parse(File.ReadAllText(Path.Combine(Root, "deploy/prometheus/alerts.yml")));

        Assert.True(rules.Count >= 10);
        Assert.Empty(AlertRules.RunbookProblems(rules, "runbook.md", File.ReadAllText(Path.Combine(Root, "docs/runbook.md"))));
        var missing = AlertRules.RunbookProblems([new AlertRule("X", "critical", TimeSpan.Zero, "docs/runbook.md#nope")], "runbook.md", "## Y\n");
        Assert.Contains("names no section", Assert.Single(missing), StringComparison.Ordinal);
    }

    private static ThreeAmOptions Options(string rules) => new()
    {
        RulesFile = Path.Combine(Root, rules),
        RunbookFile = Path.Combine(Root, "docs", "runbook.md"),
        NonSymptomFor = TimeSpan.FromSeconds(15),
    };

    private static DrillContext Context(WebApplication shop, WebApplication provider) =>
        new(new Uri(shop.Urls.First()), TimeProvider.System, new LoadGenerator(TimeProvider.System),
            [new StandInFaultSwitch("payments", new Uri(provider.Urls.First()))], ShopUnderTest.DrillHeaders);

    // Prometheus is a real server from Debian's package: on a laptop without it the test skips and says so; in CI it fails.
    internal static void RequirePrometheus()
    {
        if ((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, "prometheus"))))
        {
            return;
        }

        const string Reason = "the prometheus binary is not installed (bash .ci/services.sh installs Debian's prometheus package)";
        if (RealServers.Required)
        {
            Assert.Fail(Reason);
        }

        Assert.Skip(Reason);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bulwark.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Bulwark.slnx not found above " + AppContext.BaseDirectory);
    }
}
