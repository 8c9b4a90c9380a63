using Bulwark.ControlRoom.Hosting;
using Bulwark.ControlRoom.Metrics;
using Bulwark.ControlRoom.Rendering;
using Microsoft.Extensions.Options;

namespace Bulwark.ControlRoom.Panels;

/// <summary>
/// The host's own instruments (every meter prefix beyond <c>Bulwark.</c>), e.g. the shop's unreconciled payments and
/// reconciliation outcomes: read-only, as the host reports them.
/// </summary>
internal sealed class HostMetersPanel(MetricReadings readings, IOptions<ControlRoomOptions> options) : IControlRoomPanel
{
    public string Id => "host-meters";

    public string Title => "Application meters";

    public Task RenderAsync(ControlRoomHtml html, CancellationToken cancellationToken)
    {
        var prefixes = options.Value.MeterPrefixes.Where(p => !p.StartsWith("Bulwark", StringComparison.Ordinal)).ToList();
        var rows = prefixes.SelectMany(readings.ReadMeter).ToList();
        if (rows.Count == 0)
        {
            html.Paragraph(prefixes.Count == 0
                ? "No application meter is listed (Bulwark:ControlRoom:MeterPrefixes)."
                : $"No instrument of {string.Join(", ", prefixes)} has reported yet.", "muted");
            return Task.CompletedTask;
        }

        html.BeginTable("Application instruments", "Instrument", "Tags", "Value", "Unit");
        foreach (var row in rows)
        {
            html.BeginRow(row.Instrument);
            html.Cell(row.Instrument);
            html.Cell(string.Join(", ", row.Tags.Select(t => $"{t.Key}={t.Value}")));
            html.Cell(row.Value);
            html.Cell(row.Unit);
            html.EndRow();
        }

        html.EndTable();
        return Task.CompletedTask;
    }
}
