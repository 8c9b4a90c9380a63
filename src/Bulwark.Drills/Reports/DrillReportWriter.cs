using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.Reports;

/// <summary>Writes a drill report as JSON (for tools) and Markdown (for people), side by side.</summary>
public static class DrillReportWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The report as indented JSON.</summary>
    public static string ToJson(DrillReport report) => JsonSerializer.Serialize(report, Json);

    /// <summary>The report as Markdown.</summary>
    public static string ToMarkdown(DrillReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.Append(c, $"# Drill: {report.Title} — {report.Verdict.Outcome.ToString().ToUpperInvariant()}\n\n");
        md.Append(c, $"> {report.Question}\n\n");
        md.Append(c, $"**Verdict:** {report.Verdict.Outcome}. {report.Verdict.Reason}\n\n");
        md.Append(c, $"- Target: {report.Target}\n");
        foreach (var (name, how) in report.Dependencies)
        {
            md.Append(c, $"- Dependency `{name}`: {how}\n");
        }

        md.Append(c, $"- Patterns: {string.Join(", ", report.Patterns)}\n");
        md.Append(c, $"- Started: {report.StartedAt:yyyy-MM-dd HH:mm:ss} UTC, took {report.Duration.TotalSeconds:F1} s\n");
        md.Append(c, $"- Faults restored: {(report.Restored ? "yes" : "NO — " + report.RestoreError)}\n\n");
        if (report.Verdict.Figures.Count > 0)
        {
            md.Append("| Figure | Value | Threshold | OK |\n|---|---:|---|---|\n");
            foreach (var f in report.Verdict.Figures)
            {
                var ok = f.Ok switch { true => "yes", false => "**no**", null => "" };
                md.Append(c, $"| {f.Name} | {f.Value:0.##} {f.Unit} | {f.Threshold} | {ok} |\n");
            }

            md.Append('\n');
        }

        if (report.Verdict.Findings.Count > 0)
        {
            md.Append("## Findings\n\n");
            foreach (var finding in report.Verdict.Findings)
            {
                md.Append(c, $"- {finding}\n");
            }
        }

        return md.ToString();
    }

    /// <summary>Writes <c>&lt;drill&gt;-&lt;utc time&gt;.json</c> and <c>.md</c> into <paramref name="directory"/>; returns both paths.</summary>
    public static async Task<(string JsonPath, string MarkdownPath)> WriteAsync(DrillReport report, string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        var stem = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{report.Drill}-{report.StartedAt:yyyyMMdd'T'HHmmss'Z'}"));
        var jsonPath = stem + ".json";
        var markdownPath = stem + ".md";
        await File.WriteAllTextAsync(jsonPath, ToJson(report), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(markdownPath, ToMarkdown(report), cancellationToken).ConfigureAwait(false);
        return (jsonPath, markdownPath);
    }
}
