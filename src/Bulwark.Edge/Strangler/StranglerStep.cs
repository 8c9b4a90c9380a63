using System.Diagnostics;
using Bulwark.Edge.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bulwark.Edge.Strangler;

/// <summary>
/// The proxy-pipeline step for strangled routes: reads the route's side once (so a flip mid-request cannot split it),
/// narrows YARP's destinations to that side, counts the hit and, when shadowed, tees the legacy answer and compares it
/// with the new side's off the customer's path.
/// </summary>
internal sealed class StranglerStep(
    RequestDelegate next, StranglerTable table, ShadowSender shadow, IOptionsMonitor<EdgeOptions> settings, EdgeMetrics metrics, TimeProvider timeProvider)
{
    public const string RouteMetadataKey = "bulwark.strangler";

    public async Task InvokeAsync(HttpContext context)
    {
        var proxy = context.GetReverseProxyFeature();
        if (proxy.Route.Config.Metadata?.GetValueOrDefault(RouteMetadataKey) is not { } name || table.Find(name) is not { } route)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var side = route.Target;
        var options = route.Options;
        var destinationId = side == StranglerSide.Legacy ? EdgeProxyConfig.LegacyDestination : EdgeProxyConfig.NewDestination;
        proxy.AvailableDestinations = [.. proxy.AvailableDestinations.Where(d => d.DestinationId == destinationId)];
        context.Items[typeof(StranglerSide)] = side == StranglerSide.Legacy
            ? new StranglerSelection(route.Name, side, options.Legacy.Path, null)
            : new StranglerSelection(route.Name, side, options.New.Path, options.LegacyShape);
        route.RecordHit(side, timeProvider.GetUtcNow());
        metrics.StranglerRequests.Add(1, new TagList { { "route", route.Name }, { "side", side.ToString() } });

        // Only reads are shadowed: a copied write would run twice (two orders, two charges).
        if (side != StranglerSide.Legacy || !options.Shadow || !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (!shadow.TryReserve())
        {
            route.RecordShadowSkipped();
            await next(context).ConfigureAwait(false);
            return;
        }

        var request = new ShadowSender.ShadowRequest(
            context.Request.Path + context.Request.QueryString,
            PathTemplate.Render(options.New.Path, context.Request.RouteValues) + context.Request.QueryString,
            ShadowSender.ShadowRequest.CopyHeaders(context.Request.Headers));
        var original = context.Response.Body;
        var tee = new TeeStream(original, settings.CurrentValue.Strangler.MaxComparedBodyBytes);
        context.Response.Body = tee;
        var sent = false;
        try
        {
            await next(context).ConfigureAwait(false);
            if (!tee.Overflowed && context.GetForwarderErrorFeature() is null)
            {
                // The copy outlives the request; the tee's buffer goes with the compare task.
                var legacyBody = tee.Copied.ToArray();
                _ = shadow.CompareAsync(route, request, context.Response.StatusCode, legacyBody);
                sent = true;
            }
        }
        finally
        {
            context.Response.Body = original;
            await tee.DisposeAsync().ConfigureAwait(false);
            if (!sent)
            {
                shadow.Release();
                route.RecordShadowSkipped();
            }
        }
    }
}

/// <summary>
/// The side a strangled request goes to, the path it has there, and (new side only) the legacy shape its answer takes;
/// read by the request and response transforms.
/// </summary>
internal sealed record StranglerSelection(string Route, StranglerSide Side, string PathTemplate, LegacyShapeOptions? Shape);
