using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Bulwark.Drills.Model;
using Bulwark.Drills.Reports;
using Bulwark.Drills.Timeline;

namespace Bulwark.ControlRoom.Tests.Drills;

/// <summary>Writes a report folder the way <c>bulwark drill run</c> does, with the real writers (pages with charts, JSON).</summary>
internal static class DrillReportFiles
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly Uri Target = new("http://127.0.0.1:5100/");

    public static string NewFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "bulwark-drill-reports-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public static DrillReport Report(string drill, DateTimeOffset at, DrillOutcome outcome, double p99 = 180) =>
        new(drill, drill.ToUpperInvariant(), $"What does {drill} do?", ["Circuit Breaker"], Target, new Dictionary<string, string>(), at, TimeSpan.FromSeconds(12),
            new DrillVerdict(outcome, $"{drill} {outcome.ToString().ToLowerInvariant()} on its figures.",
                [new DrillFigure("p99", p99, "ms", "<= 500 ms", outcome == DrillOutcome.Passed), new DrillFigure("errors", 3, "%")], ["a finding"]),
            true, null)
        {
            Timeline = new DrillTimeline(1, 4,
                [new TimelineBucket(0, 50, 0, 20, 40, 50), new TimelineBucket(1, 50, 10, 30, 400, 900), new TimelineBucket(2, 50, 0, 20, 45, 60), new TimelineBucket(3, 50, 0, 20, 40, 50)],
                [new FaultWindow("payments: Down", 1, 2)],
                [new PhaseMark("exercise", 0.5)]),
        };

    /// <summary>One drill: its JSON and Markdown stamped with the drill's start, its page with the run's.</summary>
    public static async Task<string> WriteSingleAsync(string folder, DrillReport report, DateTimeOffset runStartedAt)
    {
        await DrillReportWriter.WriteAsync(report, folder, CancellationToken.None);
        var page = Path.Combine(folder, Stem(report.Drill, runStartedAt) + ".html");
        await DrillHtmlReport.WriteAsync(page, [report], Target, runStartedAt, CancellationToken.None);
        return Path.GetFileName(page);
    }

    /// <summary>A whole run: every drill's JSON, and the run's page and JSON array.</summary>
    public static async Task<string> WriteAllAsync(string folder, DateTimeOffset at, params DrillReport[] reports)
    {
        foreach (var report in reports)
        {
            await DrillReportWriter.WriteAsync(report, folder, CancellationToken.None);
        }

        var stem = Path.Combine(folder, Stem("drills", at));
        await DrillHtmlReport.WriteAsync(stem + ".html", reports, Target, at, CancellationToken.None);
        await File.WriteAllTextAsync(stem + ".json", JsonSerializer.Serialize(reports, Json));
        return Path.GetFileName(stem + ".html");
    }

    private static string Stem(string drill, DateTimeOffset at) => string.Create(CultureInfo.InvariantCulture, $"{drill}-{at:yyyyMMdd'T'HHmmss'Z'}");
}
