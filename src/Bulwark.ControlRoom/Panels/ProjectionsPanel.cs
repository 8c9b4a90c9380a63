using System.Globalization;
using Bulwark.ControlRoom.Rendering;
using Bulwark.EventSourcing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace Bulwark.ControlRoom.Panels;

/// <summary>Each projection's position against the event log's head, with a rebuild from position 0.</summary>
internal sealed class ProjectionsPanel(IEnumerable<ProjectionRunner> runners, IHostApplicationLifetime lifetime, TimeProvider timeProvider, IEventStore? events = null)
    : IControlRoomPanel
{
    public string Id => "projections";

    public string Title => "Projections";

    public async Task RenderAsync(ControlRoomHtml html, CancellationToken cancellationToken)
    {
        var all = runners.ToList();
        if (all.Count == 0 || events is null)
        {
            html.Paragraph("No projection is registered (AddProjection).", "muted");
            return;
        }

        var head = await events.GetHeadPositionAsync(cancellationToken).ConfigureAwait(false);
        html.BeginTable("Projections and their lag behind the event log", "Projection", "Position", "Head", "Lag (events)", "Actions");
        foreach (var runner in all.OrderBy(r => r.ProjectionName, StringComparer.Ordinal))
        {
            var lag = Math.Max(0, head - Math.Max(0, runner.Position));
            html.BeginRow(runner.ProjectionName);
            html.Cell(runner.ProjectionName);
            html.Cell(runner.Position);
            html.Cell(head);
            html.Cell(lag, lag == 0 ? "ok" : "warn");
            html.BeginCell();
            html.ActionButton("rebuild", "Rebuild", $"Rebuild projection {runner.ProjectionName} from position 0", ("name", runner.ProjectionName));
            html.EndCell();
            html.EndRow();
        }

        html.EndTable();
    }

    public async Task<string?> ActAsync(string action, IFormCollection form, CancellationToken cancellationToken)
    {
        var name = form["name"].ToString();
        if (action != "rebuild" || runners.FirstOrDefault(r => r.ProjectionName == name) is not { } runner)
        {
            return null;
        }

        // Not the request's token: an operator who closes the tab must not leave a half-replayed read model behind.
        var started = timeProvider.GetTimestamp();
        await runner.RebuildAsync(lifetime.ApplicationStopping).ConfigureAwait(false);
        return string.Create(CultureInfo.InvariantCulture,
            $"Projection {name} was rebuilt to position {runner.Position} in {timeProvider.GetElapsedTime(started).TotalMilliseconds:F0} ms.");
    }
}
