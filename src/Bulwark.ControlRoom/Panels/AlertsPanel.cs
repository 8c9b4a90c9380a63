using System.Globalization;
using Bulwark.ControlRoom.Alerts;
using Bulwark.ControlRoom.Hosting;
using Bulwark.ControlRoom.Rendering;
using Microsoft.Extensions.Options;

namespace Bulwark.ControlRoom.Panels;

/// <summary>The alerts firing (and pending) on a Prometheus-compatible server: severity, since when, and the runbook.</summary>
internal sealed class AlertsPanel(PrometheusAlerts prometheus, IOptions<ControlRoomOptions> options, TimeProvider time) : IControlRoomPanel
{
    public string Id => "alerts";

    public string Title => "Alerts firing";

    public async Task RenderAsync(ControlRoomHtml html, CancellationToken cancellationToken)
    {
        if (prometheus.Server is null)
        {
            html.Paragraph("No Prometheus is configured. Set Bulwark:ControlRoom:Alerts:PrometheusUrl (e.g. http://127.0.0.1:9090, a server loading deploy/prometheus/alerts.yml) to list the alerts firing here.", "muted");
            return;
        }

        var reading = await prometheus.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (reading.Problem is { } problem)
        {
            html.Paragraph("Prometheus is " + problem + ". The alerts firing are unknown, not absent.", "bad");
            return;
        }

        var firing = reading.Alerts.Count(a => a.Firing);
        if (reading.Total == 0)
        {
            html.Paragraph($"No alert is firing or pending on {prometheus.Server}.", "ok");
            return;
        }

        html.Paragraph(string.Create(CultureInfo.InvariantCulture,
            $"{firing} firing, {reading.Alerts.Count - firing} pending (inside their for: window) on {prometheus.Server}{(reading.Total > reading.Alerts.Count ? $"; {reading.Total} in all, the first {reading.Alerts.Count} shown" : string.Empty)}."),
            firing > 0 ? "bad" : "warn");
        var now = time.GetUtcNow();
        html.BeginTable("Active alerts, firing first, then by severity and age", "Alert", "Severity", "State", "Since (UTC)", "For", "Summary", "Runbook");
        foreach (var alert in reading.Alerts)
        {
            html.BeginRow(alert.Name);
            html.Cell(alert.Name);
            html.Cell(alert.Severity, alert.Severity is "critical" or "page" ? "bad" : "warn");
            html.Cell(alert.Firing ? "firing" : "pending", alert.Firing ? "bad" : "warn");
            html.Cell(alert.ActiveAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            html.Cell(alert.ActiveAt is { } at ? Age(now - at) : null);
            html.Cell(alert.Summary);
            html.BeginCell();
            Runbook(html, alert);
            html.EndCell();
            html.EndRow();
        }

        html.EndTable();
    }

    private void Runbook(ControlRoomHtml html, ActiveAlert alert)
    {
        if (alert.RunbookUrl is not { Length: > 0 } runbook)
        {
            html.Text("none", "bad");
            return;
        }

        // Only web links become links (a javascript: or data: annotation stays text); a relative one is resolved
        // against RunbookBaseUrl when it is set.
        if (Uri.TryCreate(runbook, UriKind.Absolute, out var absolute) && PrometheusAlerts.IsWeb(absolute))
        {
            html.ExternalLink(absolute, runbook);
        }
        else if (!Uri.TryCreate(runbook, UriKind.Absolute, out _) && options.Value.Alerts.RunbookBaseUrl is { } runbooks
            && Uri.TryCreate(runbooks, runbook, out var resolved) && PrometheusAlerts.IsWeb(resolved))
        {
            html.ExternalLink(resolved, runbook);
        }
        else
        {
            html.Text(runbook);
        }
    }

    private static string Age(TimeSpan age) => age < TimeSpan.Zero ? "0 s"
        : age.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours} h {age.Minutes} min")
        : age.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalMinutes} min {age.Seconds} s")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalSeconds} s");
}
