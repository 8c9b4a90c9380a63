using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Bulwark.AspNetCore.Releases;
using Bulwark.Testing;
using YamlDotNet.RepresentationModel;

namespace Shop.Host.Tests;

/// <summary>
/// Codex 29: deploy/prometheus/alerts.yml can never silently point at a metric the shop does not export, every alert
/// is actionable (for, severity, summary, a runbook section that exists), and promtool accepts the rules and their
/// unit tests (when promtool is installed).
/// </summary>
[Collection(nameof(ScrapeTests))]
public sealed partial class AlertRulesTests
{
    private static readonly string[] Severities = ["critical", "warning"];

    // PromQL words that look like metric names but are operators or modifiers.
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal) { "and", "or", "unless", "bool", "offset", "inf", "nan" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string RepoRoot
    {
        get
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

    private static string AlertsPath => Path.Combine(RepoRoot, "deploy", "prometheus", "alerts.yml");

    [Fact]
    public void Rules_Every_HasForSeveritySummaryAndARunbookSectionThatExists()
    {
        var anchors = RunbookAnchors();
        var rules = LoadRules();

        Assert.True(rules.Count >= 10, $"only {rules.Count} rules");
        foreach (var rule in rules)
        {
            Assert.Matches("^[0-9]+[smh]$", rule.For);
            Assert.Contains(rule.Severity, Severities);
            Assert.False(string.IsNullOrWhiteSpace(rule.Summary), $"{rule.Name} has no summary");
            Assert.NotNull(rule.Runbook);
            Assert.StartsWith("docs/runbook.md#", rule.Runbook, StringComparison.Ordinal);
            Assert.Contains(rule.Runbook["docs/runbook.md#".Length..], anchors);
        }

        // The Codex's symptoms are all covered.
        Assert.Superset(
            new HashSet<string>(["HighErrorRate", "HighLatencyP99", "ReadinessFailing", "DeadLetterQueueNotEmpty", "OutboxStalled", "CircuitBreakerOpen", "UnreconciledCharges", "ProjectionStuck"]),
            rules.Select(r => r.Name).ToHashSet());
    }

    [Fact]
    public void MetricNames_OfAnExpression_AreFoundWithoutLabelsFunctionsOrGroupings()
    {
        var names = MetricNames("""
            sum by (job, le) (rate(http_server_request_duration_seconds_bucket{http_route!~"/health/.*", job="a b"}[5m])) > 2
              and on (job) max without (instance) (bulwark_outbox_backlog offset 5m) > 0 or vector(1)
            """);

        Assert.Equal(["bulwark_outbox_backlog", "http_server_request_duration_seconds_bucket"], names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Rules_EveryMetricInEveryExpression_IsExportedByAShopThatExercisedItsPaths()
    {
        var rules = LoadRules();
        // The release gauges (bulwark_release_*) exist only on an instance started from a release: give it a small one.
        var release = Path.Combine(Path.GetTempPath(), "bulwark-alerts-release-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(release);
        await File.WriteAllTextAsync(Path.Combine(release, "appsettings.json"), "{}", Ct);
        await (await ReleaseManifest.CreateAsync(release, "alert-test", Ct)).WriteAsync(release, Ct);
        await using var shop = await MetricsTests.StartAsync($"--Bulwark:Release:Folder={release}");
        using var customer = await shop.NewCustomerAsync();

        // Traffic (the product page degrades recommendations: the stand-in is not running), an integration event
        // through the outbox (sign-up), and a poison return in the DLQ.
        using (await shop.Client.GetAsync("/api/products", Ct))
        using (await shop.Client.GetAsync("/api/products/1/page", Ct))
        using (await shop.Client.PostAsJsonAsync("/api/users", new { email = $"{Guid.NewGuid():N}@example.com", displayName = "Ada", password = ShopCustomer.Password }, Ct))
        using (await ReturnsTests.PostReturnAsync(customer.Client, await ReturnsTests.PlaceOrderAsync(customer.Client), "Broken", ["not a photo"u8.ToArray()]))
        {
        }

        var needed = rules.SelectMany(r => MetricNames(r.Expr).Select(m => (Rule: r.Name, Metric: m))).ToList();
        Assert.All(rules, r => Assert.NotEmpty(MetricNames(r.Expr)));
        // Gauges refresh and events publish asynchronously: wait a bounded while for the last ones, then name what is missing.
        var missing = await Eventually.WaitAsync(
            async () =>
            {
                var scrape = await PrometheusScrape.FetchAsync(shop.Client, Ct);
                var missing = string.Join(", ", needed.Where(n => !scrape.Has(n.Metric)).Select(n => $"alert {n.Rule} uses {n.Metric}"));
                return missing.Length == 0 ? missing : $"[{scrape.Names.Count} names: {string.Join(" ", scrape.Names.Take(8))}] " + missing;
            },
            m => m.Length == 0,
            "every metric the alert rules use on /metrics");

        Assert.Equal("", missing);
    }

    [Fact]
    public async Task Promtool_RulesTheirUnitTestsAndTheSampleConfig_Pass()
    {
        var promtool = FindOnPath("promtool");
        if (promtool is null)
        {
            Assert.Skip("promtool is not installed (apt-get install prometheus); the rules are still checked against a live scrape above");
        }

        var dir = Path.GetDirectoryName(AlertsPath)!;
        var check = await RunAsync(promtool, dir, "check", "rules", "alerts.yml");
        Assert.True(check.ExitCode == 0, check.Output);
        var test = await RunAsync(promtool, dir, "test", "rules", "alerts.test.yml");
        Assert.True(test.ExitCode == 0, test.Output);
        var config = await RunAsync(promtool, dir, "check", "config", "prometheus.yml");
        Assert.True(config.ExitCode == 0, config.Output);
    }

    private static List<Rule> LoadRules()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(AlertsPath))
        {
            yaml.Load(reader);
        }

        var rules = new List<Rule>();
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        foreach (YamlMappingNode group in (YamlSequenceNode)root["groups"])
        {
            foreach (YamlMappingNode rule in (YamlSequenceNode)group["rules"])
            {
                var labels = (YamlMappingNode)rule["labels"];
                var annotations = (YamlMappingNode)rule["annotations"];
                rules.Add(new Rule(
                    Scalar(rule, "alert")!,
                    Scalar(rule, "expr")!,
                    Scalar(rule, "for"),
                    Scalar(labels, "severity"),
                    Scalar(annotations, "summary"),
                    Scalar(annotations, "runbook_url")));
            }
        }

        return rules;
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

    /// <summary>The metric names in a PromQL expression: identifiers left after label matchers, ranges, groupings and function calls.</summary>
    internal static HashSet<string> MetricNames(string expr)
    {
        var text = QuotedString().Replace(expr, "\"\"");
        text = LabelMatchers().Replace(text, " ");
        text = RangeOrOffset().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in Identifier().Matches(text))
        {
            if (!Keywords.Contains(m.Groups["name"].Value.ToLowerInvariant()))
            {
                names.Add(m.Groups["name"].Value);
            }
        }

        return names;
    }

    private static HashSet<string> RunbookAnchors()
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(RepoRoot, "docs", "runbook.md")))
        {
            if (line.StartsWith('#'))
            {
                // GitHub's anchor: lower case, punctuation dropped, spaces to hyphens.
                var title = line.TrimStart('#').Trim().ToLowerInvariant();
                anchors.Add(AnchorPunctuation().Replace(title, "").Replace(' ', '-'));
            }
        }

        return anchors;
    }

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex QuotedString();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[[^\]]*\]|\boffset\s+[0-9a-z]+")]
    private static partial Regex RangeOrOffset();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    // An identifier not followed by "(" (a function or aggregation) and not a number (or duration) fragment.
    [GeneratedRegex(@"(?<![0-9A-Za-z_:.])(?<name>[A-Za-z_:][A-Za-z0-9_:]*)(?!\s*\()(?![A-Za-z0-9_:])")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"[^a-z0-9 _-]")]
    private static partial Regex AnchorPunctuation();

    private sealed record Rule(string Name, string Expr, string? For, string? Severity, string? Summary, string? Runbook);
}
