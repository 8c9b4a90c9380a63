using System.Globalization;
using Bulwark.ControlRoom.Drills;
using Bulwark.ControlRoom.Rendering;

namespace Bulwark.ControlRoom.Panels;

/// <summary>The recent <c>bulwark drill run</c> reports: verdicts and figures, each run's page with its charts one click away.</summary>
internal sealed class DrillHistoryPanel(DrillReportFolder folder) : IControlRoomPanel
{
    public string Id => "drills";

    public string Title => "Drill history";

    public async Task RenderAsync(ControlRoomHtml html, CancellationToken cancellationToken)
    {
        if (folder.FullPath is null)
        {
            html.Paragraph("No drill report folder is configured. Set Bulwark:ControlRoom:DrillReports:Path to the folder `bulwark drill run --report-dir` writes to (its default is drills/reports) to list the runs here.", "muted");
            return;
        }

        var files = folder.List();
        if (files.Count == 0)
        {
            html.Paragraph($"No drill report in {folder.FullPath} yet: run `bulwark drill run all --report-dir {folder.FullPath}`.", "muted");
            return;
        }

        html.Paragraph(string.Create(CultureInfo.InvariantCulture, $"The newest {files.Count} run(s) in {folder.FullPath}, newest first; open a run for its charts."), "muted");
        html.BeginTable("Drill runs, newest first", "Started (UTC)", "Drill", "Verdict", "Figures", "Report");
        foreach (var file in files)
        {
            var summary = await folder.SummaryAsync(file, cancellationToken).ConfigureAwait(false);
            html.BeginRow(file.FileName);
            html.Cell(file.StartedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            html.Cell(file.Drill == "drills" ? string.Create(CultureInfo.InvariantCulture, $"all ({summary?.Reports.Count ?? 0} drills)") : file.Drill);
            var (verdict, tone) = Verdict(summary);
            html.Cell(verdict, tone);
            html.Cell(Figures(summary));
            html.BeginCell();
            if (file.Bytes > folder.MaxBytes)
            {
                html.Paragraph(string.Create(CultureInfo.InvariantCulture, $"too large to open here ({file.Bytes:N0} bytes; the limit is Bulwark:ControlRoom:DrillReports:MaxReportBytes = {folder.MaxBytes:N0})"), "warn");
            }
            else
            {
                html.Link("/drills/" + Uri.EscapeDataString(file.FileName), "Open " + file.FileName);
            }

            html.EndCell();
            html.EndRow();
        }

        html.EndTable();
    }

    private static (string Text, string Tone) Verdict(DrillRunSummary? summary)
    {
        if (summary is null)
        {
            return ("no JSON summary beside the page", "muted");
        }

        if (summary.Problem is not null)
        {
            return (summary.Problem, "warn");
        }

        if (summary.Reports.Count == 1)
        {
            var only = summary.Reports[0];
            return ($"{only.Outcome.ToUpperInvariant()}: {only.Reason}", Tone(only.Outcome));
        }

        var counts = summary.Reports.GroupBy(r => r.Outcome, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()} {g.Key.ToLowerInvariant()}"));
        var failed = summary.Reports.Where(r => r.Outcome is "Failed" or "Inconclusive").Select(r => r.Drill).ToList();
        var text = string.Join(", ", counts) + (failed.Count > 0 ? $" (not passed: {string.Join(", ", failed)})" : string.Empty);
        var tone = summary.Reports.Any(r => r.Outcome == "Failed") ? "bad" : failed.Count > 0 ? "warn" : "ok";
        return (text, tone);
    }

    private static string Figures(DrillRunSummary? summary)
    {
        // A whole run's figures are on its page; a single drill's few figures fit in the cell.
        if (summary is not { Reports.Count: 1 })
        {
            return string.Empty;
        }

        return string.Join("; ", summary.Reports[0].Figures.Take(8).Select(f => string.Create(CultureInfo.InvariantCulture,
            $"{f.Name} {f.Value:0.##} {f.Unit}{(f.Threshold is { } t ? $" ({t}{(f.Ok == false ? ", missed" : string.Empty)})" : string.Empty)}")));
    }

    private static string Tone(string outcome) => outcome switch
    {
        "Passed" => "ok",
        "Failed" => "bad",
        "Inconclusive" => "warn",
        _ => "muted",
    };
}
