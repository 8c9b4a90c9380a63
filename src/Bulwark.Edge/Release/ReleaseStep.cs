using Microsoft.AspNetCore.Http;

namespace Bulwark.Edge.Release;

/// <summary>
/// The proxy-pipeline step for the release route: recognises the customer (header, else the edge's cookie, issued on
/// first sight), picks their slot, narrows YARP's destinations to it and measures the answer for the analysis.
/// </summary>
internal sealed class ReleaseStep(RequestDelegate next, ReleaseController release, TimeProvider timeProvider)
{
    public const string RouteMetadataKey = "bulwark.release";

    public async Task InvokeAsync(HttpContext context)
    {
        var proxy = context.GetReverseProxyFeature();
        if (proxy.Route.Config.Metadata?.ContainsKey(RouteMetadataKey) != true)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var affinity = release.Options.Affinity;
        var customer = Customer(context, affinity);
        var pin = context.Request.Headers[affinity.PinHeader].ToString() is { Length: > 0 } header ? header : context.Request.Cookies[affinity.PinCookie];
        var slot = release.Choose(customer, pin);
        if (slot is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        proxy.AvailableDestinations = [.. proxy.AvailableDestinations.Where(d => string.Equals(d.DestinationId, slot, StringComparison.OrdinalIgnoreCase))];
        context.Response.Headers["X-Release-Slot"] = slot;
        var started = timeProvider.GetTimestamp();
        var error = true;
        using (release.Begin(slot))
        {
            try
            {
                await next(context).ConfigureAwait(false);
                error = context.GetForwarderErrorFeature() is not null || context.Response.StatusCode >= StatusCodes.Status500InternalServerError;
            }
            finally
            {
                release.Record(slot, error, timeProvider.GetElapsedTime(started));
            }
        }
    }

    private static string Customer(HttpContext context, AffinityOptions affinity)
    {
        if (context.Request.Headers[affinity.CustomerHeader].ToString() is { Length: > 0 } header)
        {
            return header;
        }

        if (context.Request.Cookies[affinity.CustomerCookie] is { Length: > 0 } cookie)
        {
            return cookie;
        }

        // A first-time anonymous caller gets an id now, so their next request lands on the same version.
        var issued = Guid.NewGuid().ToString("N");
        context.Response.Cookies.Append(affinity.CustomerCookie, issued, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            MaxAge = TimeSpan.FromDays(365),
            Path = "/",
        });
        return issued;
    }
}
