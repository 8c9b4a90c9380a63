using Bulwark.ControlRoom.Metrics;
using Bulwark.ControlRoom.Rendering;
using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.DependencyInjection;
using Microsoft.Extensions.Configuration;

namespace Bulwark.ControlRoom.Panels;

/// <summary>Each configured bulkhead compartment: calls running and waiting against its limits, and refusals.</summary>
internal sealed class BulkheadsPanel(MetricReadings readings, BulkheadRegistry? registry = null, IConfiguration? configuration = null)
    : IControlRoomPanel
{
    public string Id => "bulkheads";

    public string Title => "Bulkheads";

    public Task RenderAsync(ControlRoomHtml html, CancellationToken cancellationToken)
    {
        // The registry cannot list its compartments, so the configured names are the list.
        var names = configuration?.GetSection(ResilienceServiceCollectionExtensions.SectionName).GetSection("Bulkheads").GetChildren().Select(c => c.Key).Order(StringComparer.Ordinal).ToList() ?? [];
        if (registry is null || names.Count == 0)
        {
            html.Paragraph("No bulkhead is configured (Bulwark:Resilience:Bulkheads).", "muted");
            return Task.CompletedTask;
        }

        var rejections = readings.Read("bulwark.bulkhead.rejections");
        html.BeginTable("Bulkhead occupancy", "Compartment", "Running", "Limit", "Waiting", "Queue limit", "Refused since start");
        foreach (var name in names)
        {
            var compartment = registry.Get(name);
            var running = compartment.InUseCount;
            var refused = rejections.Where(r => r.Tag("bulwark.bulkhead") == name).Sum(r => r.Value);
            html.BeginRow(name);
            html.Cell(name);
            html.Cell(running, running >= compartment.Options.MaxConcurrency ? "bad" : running > 0 ? "warn" : "ok");
            html.Cell(compartment.Options.MaxConcurrency);
            html.Cell(compartment.QueuedCount);
            html.Cell(compartment.Options.QueueLimit);
            html.Cell(refused, refused > 0 ? "warn" : null);
            html.EndRow();
        }

        html.EndTable();
        return Task.CompletedTask;
    }
}
