using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Bulwark.Drills.Bus;
using Bulwark.Drills.Drift;
using Bulwark.Drills.Hostile;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Reports;
using Bulwark.Drills.Switches;
using Bulwark.Drills.Targets;
using Bulwark.Drills.Timeline;
using Spectre.Console;

namespace Bulwark.Cli.Drills;

/// <summary>What <c>bulwark drill run</c> was asked to do.</summary>
internal sealed record DrillRunRequest(
    string Name,
    string Target,
    IReadOnlyList<string> Dependencies,
    DrillOptionOverrides Overrides,
    IReadOnlyList<string> Skip,
    string ReportDir,
    int? DurationSeconds,
    DependencyFault? Fault,
    string? ApiKey,
    HostileOptions Hostile,
    DriftOptions? Drift = null,
    string? Bus = null);

/// <summary>
/// Runs one drill or the whole catalogue (<c>all</c>) against a target, one after another, with live progress; writes
/// each drill's JSON and Markdown as before and one HTML page with every verdict and its charts.
/// </summary>
internal static class DrillRun
{
    public const string All = "all";

    private static readonly JsonSerializerOptions SummaryJson = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static async Task<int> RunAsync(IAnsiConsole console, bool live, DrillRunRequest request, TimeProvider time, CancellationToken cancellationToken)
    {
        var target = LoopbackTarget.Parse(request.Target);
        if (request.DurationSeconds is <= 0 or > 300)
        {
            throw new UsageException($"--duration {request.DurationSeconds} is out of range; give 1 to 300 seconds.");
        }

        var runAll = string.Equals(request.Name, All, StringComparison.OrdinalIgnoreCase);
        var unknownSkip = request.Skip.Where(s => !DrillCatalog.Names.Contains(s, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknownSkip.Count > 0)
        {
            throw new UsageException($"--skip {string.Join(", ", unknownSkip)}: no such drill. Try one of: {string.Join(", ", DrillCatalog.Names)}.");
        }

        // Every drill is built (and its options validated, overrides applied) before any traffic: a typo fails now, not after ten minutes.
        var duration = request.DurationSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
        var names = runAll ? DrillCatalog.Names : [request.Name];
        var drills = new List<(IDrill Drill, bool Excluded)>();
        foreach (var name in names)
        {
            var drill = DrillCatalog.Create(name, duration, request.Fault, request.Hostile, request.Overrides, request.Drift)
                ?? throw new UsageException($"No drill named '{name}'. Try one of: {string.Join(", ", DrillCatalog.Names)} or all (bulwark drill list).");
            drills.Add((drill, runAll && request.Skip.Contains(name, StringComparer.OrdinalIgnoreCase)));
        }

        request.Overrides.EnsureAllUsed();
        var dependencies = await DependencySpecs.StartAsync(request.Dependencies, time).ConfigureAwait(false);
        await using (dependencies.ConfigureAwait(false))
        {
            var bus = request.Bus is { } spec ? BusSpec.Open(spec, time) : default;
            try
            {
                return await RunDrillsAsync(console, live, request, drills, runAll, target, dependencies, bus.Injector, time, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (bus.Transport is not null)
                {
                    await bus.Transport.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private static async Task<int> RunDrillsAsync(
        IAnsiConsole console, bool live, DrillRunRequest request, List<(IDrill Drill, bool Excluded)> drills, bool runAll, Uri target,
        DependencySpecs dependencies, IBusInjector? bus, TimeProvider time, CancellationToken cancellationToken)
    {
        var headers = request.ApiKey is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["X-Api-Key"] = request.ApiKey };
        var recorder = new DrillRecorder(time);
        var context = new DrillContext(target, time, new LoadGenerator(time), dependencies.Switches, headers, recorder, bus);
        var startedAt = time.GetUtcNow();
        var reports = new List<DrillReport>();
        foreach (var (drill, excluded) in drills)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                reports.Add(NotRun(drill, context, time, "the run was cancelled before this drill."));
                continue;
            }

            if (excluded)
            {
                reports.Add(NotRun(drill, context, time, "excluded by --skip."));
                continue;
            }

            console.MarkupLine(CultureInfo.InvariantCulture, "[bold]{0}[/] against {1}: {2}", Markup.Escape(drill.Title), Markup.Escape(target.ToString()), Markup.Escape(drill.Question));
            var report = await LiveProgress.RunAsync(console, live, drill, recorder, time, () => new DrillRunner(time).RunAsync(drill, context, cancellationToken)).ConfigureAwait(false);
            var (jsonPath, markdownPath) = await DrillReportWriter.WriteAsync(report, request.ReportDir, CancellationToken.None).ConfigureAwait(false);
            Print(console, report);
            console.MarkupLine(CultureInfo.InvariantCulture, "Reports: {0}, {1}", Markup.Escape(jsonPath), Markup.Escape(markdownPath));
            reports.Add(report);
        }

        var stem = Path.Combine(request.ReportDir, string.Create(CultureInfo.InvariantCulture, $"{(runAll ? "drills" : drills[0].Drill.Name)}-{startedAt:yyyyMMdd'T'HHmmss'Z'}"));
        await DrillHtmlReport.WriteAsync(stem + ".html", reports, target, startedAt, CancellationToken.None).ConfigureAwait(false);
        if (runAll)
        {
            await File.WriteAllTextAsync(stem + ".json", JsonSerializer.Serialize(reports, SummaryJson), CancellationToken.None).ConfigureAwait(false);
            await File.WriteAllTextAsync(stem + ".md", SummaryMarkdown(reports, target, startedAt), CancellationToken.None).ConfigureAwait(false);
            PrintSummary(console, reports);
            console.MarkupLine(CultureInfo.InvariantCulture, "Report: {0} (and {1}.json, .md)", Markup.Escape(stem + ".html"), Markup.Escape(stem));
        }
        else
        {
            console.MarkupLine(CultureInfo.InvariantCulture, "Charts: {0}", Markup.Escape(stem + ".html"));
        }

        return runAll ? ExitCodeForAll(reports) : ExitCodes.For(reports[0].Verdict.Outcome);
    }

    /// <summary>
    /// 1 when any drill failed, 2 when any was inconclusive, else 0: a skipped drill neither fails nor passes the run,
    /// and the summary lists it with its reason.
    /// </summary>
    internal static int ExitCodeForAll(IReadOnlyList<DrillReport> reports) =>
        reports.Any(r => r.Verdict.Outcome == DrillOutcome.Failed) ? ExitCodes.Failed
        : reports.Any(r => r.Verdict.Outcome == DrillOutcome.Inconclusive) ? ExitCodes.InconclusiveOrUsage
        : ExitCodes.Passed;

    internal static string SummaryMarkdown(IReadOnlyList<DrillReport> reports, Uri target, DateTimeOffset startedAt)
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.Append(c, $"# Drills against {target} — {startedAt:yyyy-MM-dd HH:mm:ss} UTC\n\n| Drill | Verdict | Took | Why |\n|---|---|---:|---|\n");
        foreach (var r in reports)
        {
            md.Append(c, $"| {r.Title} | {r.Verdict.Outcome.ToString().ToUpperInvariant()} | {r.Duration.TotalSeconds:0.0} s | {r.Verdict.Reason.Replace("|", "\\|", StringComparison.Ordinal)} |\n");
        }

        return md.ToString();
    }

    private static DrillReport NotRun(IDrill drill, DrillContext context, TimeProvider time, string why) => new(
        drill.Name,
        drill.Title,
        drill.Question,
        drill.Patterns,
        context.Target,
        new Dictionary<string, string>(),
        time.GetUtcNow(),
        TimeSpan.Zero,
        DrillVerdict.Skipped(why),
        Restored: true,
        RestoreError: null);

    private static void PrintSummary(IAnsiConsole console, IReadOnlyList<DrillReport> reports)
    {
        var table = new Table().Title("All drills").AddColumn("Drill").AddColumn("Verdict").AddColumn(new TableColumn("Took").RightAligned()).AddColumn("Why");
        foreach (var r in reports)
        {
            table.AddRow(
                Markup.Escape(r.Title),
                $"[{Colour(r.Verdict.Outcome)}]{r.Verdict.Outcome.ToString().ToUpperInvariant()}[/]",
                string.Create(CultureInfo.InvariantCulture, $"{r.Duration.TotalSeconds:0.0} s"),
                Markup.Escape(r.Verdict.Reason));
        }

        console.Write(table);
    }

    private static void Print(IAnsiConsole console, DrillReport report)
    {
        var table = new Table().AddColumn("Figure").AddColumn(new TableColumn("Value").RightAligned()).AddColumn("Threshold").AddColumn("OK");
        foreach (var f in report.Verdict.Figures)
        {
            var ok = f.Ok switch { true => "[green]yes[/]", false => "[red]no[/]", null => "" };
            table.AddRow(
                Markup.Escape(f.Name),
                Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{f.Value:0.##} {f.Unit}")),
                Markup.Escape(f.Threshold ?? ""),
                ok);
        }

        if (report.Verdict.Figures.Count > 0)
        {
            console.Write(table);
        }

        console.MarkupLine(CultureInfo.InvariantCulture, "[{0} bold]{1}[/]: {2}", Colour(report.Verdict.Outcome), report.Verdict.Outcome.ToString().ToUpperInvariant(), Markup.Escape(report.Verdict.Reason));
        foreach (var finding in report.Verdict.Findings)
        {
            console.MarkupLine(CultureInfo.InvariantCulture, "  - {0}", Markup.Escape(finding));
        }
    }

    private static string Colour(DrillOutcome outcome) => outcome switch
    {
        DrillOutcome.Passed => "green",
        DrillOutcome.Failed => "red",
        DrillOutcome.Skipped => "grey",
        _ => "yellow",
    };
}
