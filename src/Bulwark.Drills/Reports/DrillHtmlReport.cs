using System.Globalization;
using System.Net;
using System.Text;
using Bulwark.Drills.Model;
using Bulwark.Drills.Timeline;

namespace Bulwark.Drills.Reports;

/// <summary>
/// One self-contained HTML page for one or many drill runs: a summary table, then each drill's verdict, figures,
/// findings and charts (latency and error rate over time, the fault window shaded). Inline CSS and SVG only: the page
/// fetches nothing, so it can be archived, mailed or opened from a CI artifact as it is.
/// </summary>
public static class DrillHtmlReport
{
    private const string Style = """
        body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
        table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
        td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .Passed{color:#176b2c;font-weight:bold}.Failed{color:#b00020;font-weight:bold}.Inconclusive{color:#8a6d00;font-weight:bold}.Skipped{color:#666;font-weight:bold}
        blockquote{margin:.5rem 0;padding-left:1rem;border-left:4px solid #ccc;color:#444}
        section{border-top:2px solid #eee;margin-top:2rem}svg{max-width:100%;height:auto;display:block;margin:.5rem 0}
        """;

    /// <summary>The page for <paramref name="reports"/>, run against <paramref name="target"/> starting at <paramref name="startedAt"/>.</summary>
    public static string Render(IReadOnlyList<DrillReport> reports, Uri target, DateTimeOffset startedAt)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(target);
        var c = CultureInfo.InvariantCulture;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Append(c, $"<title>Bulwark drills against {E(target.ToString())}, {startedAt:yyyy-MM-dd HH:mm} UTC</title>");
        html.Append(c, $"<style>{Style}</style></head><body>\n");
        html.Append(c, $"<h1>Bulwark drills</h1>\n<p>Target <code>{E(target.ToString())}</code>, started {startedAt:yyyy-MM-dd HH:mm:ss} UTC. ");
        html.Append(string.Join(", ", Enum.GetValues<DrillOutcome>()
            .Select(o => (Outcome: o, Count: reports.Count(r => r.Verdict.Outcome == o)))
            .Where(x => x.Count > 0)
            .Select(x => string.Create(c, $"<span class=\"{x.Outcome}\">{x.Count} {x.Outcome.ToString().ToLowerInvariant()}</span>"))));
        html.Append(".</p>\n");

        html.Append("<h2>Summary</h2>\n<table><thead><tr><th scope=\"col\">Drill</th><th scope=\"col\">Verdict</th><th scope=\"col\">Took</th><th scope=\"col\">Why</th></tr></thead><tbody>\n");
        foreach (var r in reports)
        {
            html.Append(c, $"<tr><td><a href=\"#{E(r.Drill)}\">{E(r.Title)}</a></td><td class=\"{r.Verdict.Outcome}\">{r.Verdict.Outcome.ToString().ToUpperInvariant()}</td>");
            html.Append(c, $"<td class=\"num\">{r.Duration.TotalSeconds:0.0} s</td><td>{E(r.Verdict.Reason)}</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
        foreach (var r in reports)
        {
            AppendDrill(html, r);
        }

        html.Append("</body></html>\n");
        return html.ToString();
    }

    /// <summary>Writes the page to <paramref name="path"/> (creating its folder).</summary>
    public static async Task WriteAsync(string path, IReadOnlyList<DrillReport> reports, Uri target, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, Render(reports, target, startedAt), cancellationToken).ConfigureAwait(false);
    }

    private static void AppendDrill(StringBuilder html, DrillReport r)
    {
        var c = CultureInfo.InvariantCulture;
        html.Append(c, $"<section id=\"{E(r.Drill)}\"><h2>{E(r.Title)} — <span class=\"{r.Verdict.Outcome}\">{r.Verdict.Outcome.ToString().ToUpperInvariant()}</span></h2>\n");
        html.Append(c, $"<blockquote>{E(r.Question)}</blockquote>\n<p>{E(r.Verdict.Reason)}</p>\n<ul>");
        html.Append(c, $"<li>Patterns: {E(string.Join(", ", r.Patterns))}</li>");
        foreach (var (name, how) in r.Dependencies)
        {
            html.Append(c, $"<li>Dependency <code>{E(name)}</code>: {E(how)}</li>");
        }

        html.Append(c, $"<li>Started {r.StartedAt:HH:mm:ss} UTC, took {r.Duration.TotalSeconds:0.0} s; faults restored: {(r.Restored ? "yes" : "<strong>NO</strong> — " + E(r.RestoreError ?? ""))}</li></ul>\n");
        if (r.Verdict.Figures.Count > 0)
        {
            html.Append("<table><thead><tr><th scope=\"col\">Figure</th><th scope=\"col\">Value</th><th scope=\"col\">Threshold</th><th scope=\"col\">OK</th></tr></thead><tbody>\n");
            foreach (var f in r.Verdict.Figures)
            {
                var ok = f.Ok switch { true => "<span class=\"Passed\">yes</span>", false => "<span class=\"Failed\">no</span>", null => "" };
                html.Append(c, $"<tr><td>{E(f.Name)}</td><td class=\"num\">{f.Value:0.##} {E(f.Unit)}</td><td>{E(f.Threshold ?? "")}</td><td>{ok}</td></tr>\n");
            }

            html.Append("</tbody></table>\n");
        }

        if (r.Verdict.Findings.Count > 0)
        {
            html.Append("<h3>Findings</h3><ul>");
            foreach (var finding in r.Verdict.Findings)
            {
                html.Append(c, $"<li>{E(finding)}</li>");
            }

            html.Append("</ul>\n");
        }

        AppendCharts(html, r.Timeline);
        html.Append("</section>\n");
    }

    private static void AppendCharts(StringBuilder html, DrillTimeline timeline)
    {
        if (timeline.Buckets.All(b => b.Requests == 0))
        {
            html.Append("<p><em>No request timeline: this drill sent no recorded load.</em></p>\n");
            return;
        }

        var answered = timeline.Buckets.Where(b => b.Requests > 0).ToList();
        html.Append(SvgChart.Render(
            string.Create(CultureInfo.InvariantCulture, $"Latency per {timeline.BucketSeconds:0.#} s (by start time)"),
            "ms",
            [
                new ChartSeries("p50", "#1f77b4", [.. answered.Select(b => (Mid(b, timeline), b.P50Ms))]),
                new ChartSeries("p99", "#d62728", [.. answered.Select(b => (Mid(b, timeline), b.P99Ms))]),
            ],
            timeline.TotalSeconds,
            timeline.Faults,
            timeline.Phases));
        html.Append('\n');
        // Error rate on its own axis: beside a request rate in the hundreds, 5 % errors would be a flat line.
        html.Append(SvgChart.Render(
            "Error rate (no answer or 5xx)",
            "%",
            [new ChartSeries("errors", "#d62728", [.. timeline.Buckets.Select(b => (Mid(b, timeline), b.ErrorRate * 100))])],
            timeline.TotalSeconds,
            timeline.Faults,
            timeline.Phases));
        html.Append('\n');
        html.Append(SvgChart.Render(
            "Requests started per second",
            "req/s",
            [new ChartSeries("requests", "#2ca02c", [.. timeline.Buckets.Select(b => (Mid(b, timeline), b.Requests / timeline.BucketSeconds))])],
            timeline.TotalSeconds,
            timeline.Faults,
            timeline.Phases));
        html.Append('\n');
    }

    private static double Mid(TimelineBucket bucket, DrillTimeline timeline) =>
        Math.Min(timeline.TotalSeconds, bucket.StartSeconds + (timeline.BucketSeconds / 2));

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
