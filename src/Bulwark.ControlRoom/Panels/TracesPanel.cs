using System.Globalization;
using Bulwark.ControlRoom.Hosting;
using Bulwark.ControlRoom.Rendering;
using Bulwark.ControlRoom.Traces;
using Microsoft.Extensions.Options;

namespace Bulwark.ControlRoom.Panels;

/// <summary>Find a kept trace by id, and the most recently kept (failed or slow) traces.</summary>
internal sealed class TracesPanel(TraceStore store, IOptions<ControlRoomOptions> options) : IControlRoomPanel
{
    public string Id => "traces";

    public string Title => "Traces";

    public Task RenderAsync(ControlRoomHtml html, CancellationToken cancellationToken)
    {
        var rule = options.Value.Traces;
        html.TraceSearch(null);
        if (!rule.Enabled)
        {
            html.Paragraph("Trace keeping is off (Bulwark:ControlRoom:Traces:Enabled).", "muted");
            return Task.CompletedTask;
        }

        html.Paragraph(string.Create(CultureInfo.InvariantCulture,
            $"Kept in memory: traces with a failed span or a root of at least {rule.SlowThreshold.TotalMilliseconds:F0} ms, the newest {rule.MaxTraces}. Export to OTLP is unchanged."), "muted");
        var recent = store.Recent(10);
        if (recent.Count == 0)
        {
            html.Paragraph("No failed or slow trace yet.", "ok");
            return Task.CompletedTask;
        }

        html.BeginTable("Recently kept traces, newest first", "Kept (UTC)", "Why", "Root", "Took (ms)", "Spans", "Trace");
        foreach (var trace in recent)
        {
            html.BeginRow(trace.TraceId);
            html.Cell(trace.KeptAt.ToString("HH:mm:ss", CultureInfo.InvariantCulture));
            html.Cell(trace.Reason, trace.Reason == "error" ? "bad" : "warn");
            html.Cell(trace.Root);
            html.Cell(Math.Round(trace.Duration.TotalMilliseconds, 1));
            html.Cell(trace.Spans.Count);
            html.BeginCell();
            html.Link("/traces?traceId=" + trace.TraceId, trace.TraceId);
            html.EndCell();
            html.EndRow();
        }

        html.EndTable();
        return Task.CompletedTask;
    }
}
