using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Transforms;

namespace Bulwark.Edge.Strangler;

/// <summary>
/// The response transform of strangled routes: a new-side JSON answer of a route with a <see cref="LegacyShapeOptions"/>
/// is read (up to <see cref="LegacyShapeOptions.MaxBodyBytes"/>), reshaped by <see cref="LegacyShape"/> and written in
/// place of the proxied body. Anything else — the legacy side, no shape, not JSON, too large — passes through untouched.
/// </summary>
internal static class LegacyShapeStep
{
    public static async ValueTask ReshapeAsync(ResponseTransformContext context)
    {
        if (context.HttpContext.Items[typeof(StranglerSide)] is not StranglerSelection { Shape: { } shape } selection
            || context.ProxyResponse?.Content is not { } content
            || !IsJson(content.Headers.ContentType))
        {
            return;
        }

        var metrics = context.HttpContext.RequestServices.GetRequiredService<EdgeMetrics>();
        if (content.Headers.ContentLength is { } length && length > shape.MaxBodyBytes)
        {
            metrics.StranglerReshaped.Add(1, new TagList { { "route", selection.Route }, { "outcome", "too_large" } });
            return;
        }

        var cancellationToken = context.HttpContext.RequestAborted;
        byte[] body;
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > shape.MaxBodyBytes)
                {
                    // No length announced and more than the cap arrived: what was read cannot be un-read, so the answer
                    // is finished by hand, in the new shape.
                    await WriteAsync(context, [.. buffer.ToArray(), .. chunk.AsSpan(0, read)], stream, cancellationToken).ConfigureAwait(false);
                    metrics.StranglerReshaped.Add(1, new TagList { { "route", selection.Route }, { "outcome", "too_large" } });
                    return;
                }

                buffer.Write(chunk, 0, read);
            }

            body = buffer.ToArray();
        }

        var reshaped = LegacyShape.Apply(body, shape);
        metrics.StranglerReshaped.Add(1, new TagList { { "route", selection.Route }, { "outcome", reshaped is null ? "not_json" : "reshaped" } });
        await WriteAsync(context, reshaped ?? body, null, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsJson(MediaTypeHeaderValue? type) =>
        type?.MediaType is { } media && (media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    // The proxied body is suppressed and this one written instead, with its own length.
    private static async Task WriteAsync(ResponseTransformContext context, byte[] head, Stream? rest, CancellationToken cancellationToken)
    {
        context.SuppressResponseBody = true;
        var response = context.HttpContext.Response;
        if (rest is null)
        {
            response.ContentLength = head.Length;
        }
        else
        {
            response.ContentLength = null;
        }

        await response.Body.WriteAsync(head, cancellationToken).ConfigureAwait(false);
        if (rest is not null)
        {
            await rest.CopyToAsync(response.Body, cancellationToken).ConfigureAwait(false);
        }
    }
}
