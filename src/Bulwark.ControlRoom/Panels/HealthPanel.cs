using System.Globalization;
using Bulwark.ControlRoom.Rendering;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bulwark.ControlRoom.Panels;

/// <summary>Each health check (one per dependency) from the host's last periodic run.</summary>
internal sealed class HealthPanel(HealthReportCapture capture) : IControlRoomPanel
{
    public string Id => "health";

    public string Title => "Health per dependency";

    public Task RenderAsync(ControlRoomHtml html, CancellationToken cancellationToken)
    {
        if (capture.Last is not { } last)
        {
            html.Paragraph("Waiting for the first periodic health run (HealthCheckPublisherOptions: 5 s after start, then every 30 s by default).", "muted");
            return Task.CompletedTask;
        }

        var (report, at) = last;
        html.Paragraph(string.Create(CultureInfo.InvariantCulture, $"Overall {report.Status} at {at:HH:mm:ss} UTC (checks took {report.TotalDuration.TotalMilliseconds:F0} ms)."), Tone(report.Status));
        html.BeginTable("Health checks", "Check", "Status", "Took (ms)", "Tags", "Detail");
        foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            html.BeginRow(name);
            html.Cell(name);
            html.Cell(entry.Status.ToString(), Tone(entry.Status));
            html.Cell(Math.Round(entry.Duration.TotalMilliseconds));
            html.Cell(string.Join(", ", entry.Tags));
            html.Cell(entry.Description ?? entry.Exception?.Message);
            html.EndRow();
        }

        html.EndTable();
        return Task.CompletedTask;
    }

    private static string Tone(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "ok",
        HealthStatus.Degraded => "warn",
        _ => "bad",
    };
}
