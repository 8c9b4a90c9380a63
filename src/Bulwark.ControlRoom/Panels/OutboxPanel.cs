using Bulwark.ControlRoom.Metrics;
using Bulwark.ControlRoom.Rendering;

namespace Bulwark.ControlRoom.Panels;

/// <summary>The outbox relay's backlog, the age of its oldest message, and the commit-to-publish lag.</summary>
internal sealed class OutboxPanel(MetricReadings readings) : IControlRoomPanel
{
    public string Id => "outbox";

    public string Title => "Outbox";

    public Task RenderAsync(ControlRoomHtml html, CancellationToken cancellationToken)
    {
        var backlog = readings.Read("bulwark.outbox.backlog");
        if (backlog.Count == 0)
        {
            html.Paragraph("No outbox relay has reported (bulwark.outbox.backlog): this application may not use Bulwark.Outbox.", "muted");
            return Task.CompletedTask;
        }

        var waiting = backlog.Sum(r => r.Value);
        var age = readings.Read("bulwark.outbox.backlog.age").Select(r => r.Value).DefaultIfEmpty(0).Max();
        var lag = readings.Read("bulwark.outbox.lag");
        var lagCount = lag.Sum(r => r.Count ?? 0);
        html.BeginTable("Outbox relay", "Waiting", "Oldest waiting (s)", "Published", "Publish failures", "Lag mean (s)", "Lag max (s)");
        html.BeginRow("outbox");
        html.Cell(waiting, waiting > 0 ? "warn" : "ok");
        html.Cell(age, age > 30 ? "bad" : null);
        html.Cell(readings.Read("bulwark.outbox.published").Sum(r => r.Value));
        var failures = readings.Read("bulwark.outbox.publish_failures").Sum(r => r.Value);
        html.Cell(failures, failures > 0 ? "warn" : null);
        html.Cell(lagCount == 0 ? 0 : lag.Sum(r => (r.Mean ?? 0) * (r.Count ?? 0)) / lagCount);
        html.Cell(lag.Select(r => r.Max ?? 0).DefaultIfEmpty(0).Max());
        html.EndRow();
        html.EndTable();
        return Task.CompletedTask;
    }
}
