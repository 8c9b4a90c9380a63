using System.Globalization;
using System.Text;
using Bulwark.ControlRoom.Drills;
using Bulwark.ControlRoom.Panels;
using Bulwark.ControlRoom.Rendering;
using Bulwark.ControlRoom.Traces;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bulwark.ControlRoom.Hosting;

/// <summary>The Control Room's request handlers: the page, panel fragments, actions, the trace waterfall and assets.</summary>
internal sealed class ControlRoomPages(string prefix)
{
    // Only this origin's script and style sheet run; no inline script, no framing, forms post back here only.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    // A drill report is a file from disk with its own inline style sheet and SVG charts: it may style itself, but it runs
    // no script, loads nothing, posts nothing, and is sandboxed (an opaque origin) so it can never act as the operator.
    private const string DrillReportSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'; sandbox";

    public async Task<IResult> PageAsync(HttpContext context, string? notice)
    {
        var panels = Panels(context);
        var html = new StringBuilder();
        BeginDocument(context, html, "Control Room");
        html.Append("<nav aria-label=\"Panels\"><ul>");
        foreach (var panel in panels)
        {
            html.Append("<li><a href=\"#").Append(ControlRoomHtml.Attribute(panel.Id)).Append("\">").Append(ControlRoomHtml.Encode(panel.Title)).Append("</a></li>");
        }

        html.Append("</ul></nav></header><main id=\"main\">");
        if (notice is { Length: > 0 })
        {
            html.Append("<p class=\"notice\" role=\"status\">").Append(ControlRoomHtml.Encode(notice[..Math.Min(notice.Length, 500)])).Append("</p>");
        }

        foreach (var panel in panels)
        {
            html.Append("<section id=\"").Append(ControlRoomHtml.Attribute(panel.Id)).Append("\" data-panel=\"").Append(ControlRoomHtml.Attribute(panel.Id))
                .Append("\" aria-labelledby=\"").Append(ControlRoomHtml.Attribute(panel.Id)).Append("-title\"><h2 id=\"").Append(ControlRoomHtml.Attribute(panel.Id))
                .Append("-title\">").Append(ControlRoomHtml.Encode(panel.Title)).Append("</h2><div class=\"panel-body\">")
                .Append(await RenderAsync(context, panel).ConfigureAwait(false))
                .Append("</div></section>");
        }

        html.Append("</main></body></html>");
        return Html(context, html.ToString());
    }

    public async Task<IResult> PanelAsync(HttpContext context, string id)
    {
        if (Panels(context).Find(p => p.Id == id) is not { } panel)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: $"The Control Room has no panel '{id}'.");
        }

        return Html(context, await RenderAsync(context, panel).ConfigureAwait(false));
    }

    public async Task<IResult> ActAsync(HttpContext context, string id, string verb)
    {
        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        try
        {
            await antiforgery.ValidateRequestAsync(context).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException)
        {
            // A form from another site (or a stale page from before a restart): refuse, change nothing.
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad Request",
                detail: "The action did not come from a Control Room page of this site (antiforgery check failed); reload the page and try again.");
        }

        if (Panels(context).Find(p => p.Id == id) is not { } panel)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: $"The Control Room has no panel '{id}'.");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var outcome = await panel.ActAsync(verb, form, context.RequestAborted).ConfigureAwait(false);
        if (outcome is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: $"Panel '{id}' has no action '{verb}' for what was posted.");
        }

        // Post/redirect/get: a reload of the page repeats nothing.
        return Results.Redirect($"{prefix}/?notice={Uri.EscapeDataString(outcome)}#{Uri.EscapeDataString(id)}", permanent: false, preserveMethod: false);
    }

    public IResult TraceAsync(HttpContext context, string? traceId)
    {
        var store = context.RequestServices.GetRequiredService<TraceStore>();
        var html = new StringBuilder();
        BeginDocument(context, html, "Trace – Control Room");
        html.Append("<nav aria-label=\"Control Room\"><ul><li><a href=\"").Append(ControlRoomHtml.Attribute(prefix + "/#traces")).Append("\">Back to the Control Room</a></li></ul></nav></header><main id=\"main\">");
        var writer = Writer(context, "traces");
        writer.TraceSearch(traceId);
        var id = NormalizeTraceId(traceId);
        if (id is null)
        {
            writer.Paragraph("Paste a trace id (the 32 hex digits of a traceparent header or a log line's TraceId) to see its waterfall.", "muted");
        }
        else if (store.Find(id) is not { } trace)
        {
            writer.Paragraph($"No kept trace {id}: only failed or slow traces are kept, and only the newest ones. Look it up in your tracing backend.", "warn");
        }
        else
        {
            Waterfall(writer, trace);
        }

        html.Append("<section aria-labelledby=\"waterfall-title\"><h2 id=\"waterfall-title\">Waterfall</h2>").Append(writer).Append("</section></main></body></html>");
        return Html(context, html.ToString());
    }

    public static async Task<IResult> DrillReportAsync(HttpContext context, string name)
    {
        var folder = context.RequestServices.GetRequiredService<DrillReportFolder>();
        // Only a name the drill history lists is served (never a path from the request), and only up to the size bound.
        if (folder.Find(name) is not { } file || await folder.ReadPageAsync(file, context.RequestAborted).ConfigureAwait(false) is not { } page)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found",
                detail: "No such drill report: the drill history lists the ones it serves (the newest, within Bulwark:ControlRoom:DrillReports:MaxReportBytes).");
        }

        PageHeaders(context, DrillReportSecurityPolicy);
        return Results.Bytes(page, "text/html; charset=utf-8");
    }

    public static IResult Asset(string name)
    {
        var (resource, contentType) = name switch
        {
            "control-room.js" => ("Bulwark.ControlRoom.control-room.js", "text/javascript; charset=utf-8"),
            "control-room.css" => ("Bulwark.ControlRoom.control-room.css", "text/css; charset=utf-8"),
            _ => (null, null),
        };
        var stream = resource is null ? null : typeof(ControlRoomPages).Assembly.GetManifestResourceStream(resource);
        return stream is null
            ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: $"The Control Room has no asset '{name}'.")
            : Results.Stream(stream, contentType);
    }

    internal static string? NormalizeTraceId(string? value)
    {
        // Accept a bare id or a whole traceparent ("00-<trace>-<span>-01").
        var text = (value ?? string.Empty).Trim();
        var parts = text.Split('-');
        var candidate = parts.Length == 4 ? parts[1] : text;
        return candidate.Length == 32 && candidate.All(char.IsAsciiHexDigit) ? candidate.ToLowerInvariant() : null;
    }

    private static void Waterfall(ControlRoomHtml writer, KeptTrace trace)
    {
        var start = trace.Spans.Min(s => s.Start);
        var end = trace.Spans.Max(s => s.Start + s.Duration);
        var total = Math.Max((end - start).TotalMilliseconds, 0.001);
        writer.Paragraph(string.Create(CultureInfo.InvariantCulture,
            $"Trace {trace.TraceId}: kept as {trace.Reason}; root {trace.Root}, {trace.Spans.Count} span(s) over {total:F1} ms{(trace.DroppedSpans > 0 ? $", {trace.DroppedSpans} more not stored" : string.Empty)}."),
            trace.Reason == "error" ? "bad" : "warn");
        var depth = Depths(trace.Spans);
        writer.BeginTable($"Spans of trace {trace.TraceId} by start time", "Span", "Source", "Kind", "Starts at (ms)", "Took (ms)", "Timeline", "Status");
        foreach (var span in trace.Spans)
        {
            var from = (span.Start - start).TotalMilliseconds;
            writer.BeginRow(span.SpanId);
            writer.Cell(new string('\u00a0', 2 * depth[span.SpanId]) + span.Name);
            writer.Cell(span.Source);
            writer.Cell(span.Kind.ToString());
            writer.Cell(Math.Round(from, 1));
            writer.Cell(Math.Round(span.Duration.TotalMilliseconds, 1));
            writer.BeginCell();
            writer.Bar(from / total, (from + span.Duration.TotalMilliseconds) / total, span.Failed ? "bad" : "ok",
                string.Create(CultureInfo.InvariantCulture, $"{span.Name}: from {from:F1} ms for {span.Duration.TotalMilliseconds:F1} ms"));
            writer.EndCell();
            writer.Cell(span.Failed ? "error" + (span.StatusDescription is { } d ? $" ({d})" : string.Empty) : span.StatusDescription ?? "ok", span.Failed ? "bad" : null);
            writer.EndRow();
        }

        writer.EndTable();
    }

    // Indentation by nesting: a span whose parent is not in the trace (a remote caller) sits at the top level.
    private static Dictionary<string, int> Depths(IReadOnlyList<SpanRecord> spans)
    {
        var parents = spans.ToDictionary(s => s.SpanId, s => s.ParentSpanId, StringComparer.Ordinal);
        var depths = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var span in spans)
        {
            var depth = 0;
            var parent = span.ParentSpanId;
            while (parent is not null && parents.TryGetValue(parent, out var next) && depth < 64)
            {
                depth++;
                parent = next;
            }

            depths[span.SpanId] = depth;
        }

        return depths;
    }

    private void BeginDocument(HttpContext context, StringBuilder html, string title)
    {
        var refresh = context.RequestServices.GetRequiredService<IOptions<ControlRoomOptions>>().Value.RefreshInterval;
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(ControlRoomHtml.Encode(title)).Append("</title><link rel=\"icon\" href=\"data:,\">")
            .Append("<link rel=\"stylesheet\" href=\"").Append(ControlRoomHtml.Attribute(prefix + "/assets/control-room.css")).Append("\">")
            .Append("<script src=\"").Append(ControlRoomHtml.Attribute(prefix + "/assets/control-room.js")).Append("\" defer></script></head>")
            .Append(CultureInfo.InvariantCulture, $"<body data-base=\"{ControlRoomHtml.Attribute(prefix)}\" data-refresh-ms=\"{(long)refresh.TotalMilliseconds}\">")
            .Append("<a class=\"skip\" href=\"#main\">Skip to content</a><header><h1>").Append(ControlRoomHtml.Encode(title)).Append("</h1>");
    }

    private async Task<string> RenderAsync(HttpContext context, IControlRoomPanel panel)
    {
        var writer = Writer(context, panel.Id);
        await panel.RenderAsync(writer, context.RequestAborted).ConfigureAwait(false);
        return writer.ToString();
    }

    private ControlRoomHtml Writer(HttpContext context, string panelId)
    {
        // Before the response starts: this may set the antiforgery cookie.
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return new ControlRoomHtml(prefix, $"{prefix}/panels/{Uri.EscapeDataString(panelId)}/", tokens.FormFieldName, tokens.RequestToken ?? string.Empty);
    }

    private static List<IControlRoomPanel> Panels(HttpContext context) => [.. context.RequestServices.GetServices<IControlRoomPanel>()];

    private static IResult Html(HttpContext context, string html)
    {
        PageHeaders(context, ContentSecurityPolicy);
        return Results.Content(html, "text/html; charset=utf-8");
    }

    // Every HTML page the Control Room serves: its own policy, and never sniffed, cached or sent on as a referrer.
    private static void PageHeaders(HttpContext context, string contentSecurityPolicy)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = contentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
    }
}
