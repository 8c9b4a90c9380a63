using Bulwark.ControlRoom.Metrics;
using Bulwark.ControlRoom.Rendering;

namespace Bulwark.ControlRoom.Panels;

/// <summary>Requests refused by a rate limit since the process started, by tier.</summary>
internal sealed class RateLimitsPanel(MetricReadings readings) : IControlRoomPanel
{
    public string Id => "rate-limits";

    public string Title => "Rate limits";

    public Task RenderAsync(ControlRoomHtml html, CancellationToken cancellationToken)
    {
        var refusals = readings.Read("bulwark.rate_limit.refusals")
            .GroupBy(r => r.Tag("bulwark.rate_limit.policy") ?? "(none)", StringComparer.Ordinal)
            .Select(g => (Tier: g.Key, Refused: g.Sum(r => r.Value)))
            .OrderByDescending(t => t.Refused)
            .ToList();
        if (refusals.Count == 0)
        {
            html.Paragraph("No request has been refused by a rate limit since the process started.", "muted");
            return Task.CompletedTask;
        }

        html.BeginTable("Rate-limit refusals by tier since start", "Tier", "Refused");
        foreach (var (tier, refused) in refusals)
        {
            html.BeginRow(tier);
            html.Cell(tier);
            html.Cell(refused, "warn");
            html.EndRow();
        }

        html.EndTable();
        return Task.CompletedTask;
    }
}
