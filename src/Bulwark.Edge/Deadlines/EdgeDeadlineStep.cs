using Bulwark.AspNetCore.Problems;
using Bulwark.Resilience.Deadlines;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Transforms;

namespace Bulwark.Edge.Deadlines;

/// <summary>
/// Carries the request's deadline inward: the deadline middleware in front of the proxy fixes it once at the edge
/// (the client's <c>X-Deadline</c>, capped, or the edge's default budget) and cancels the proxied call when it
/// passes; this step stamps it on the request to the backend and turns a call cut by it into a 504 problem.
/// </summary>
internal static class EdgeDeadlineStep
{
    /// <summary>Replaces whatever <c>X-Deadline</c> the client sent with the deadline the edge fixed (never later than the client's).</summary>
    public static ValueTask StampAsync(RequestTransformContext transform)
    {
        if (DeadlineContext.Current is { } deadline)
        {
            transform.ProxyRequest.Headers.Remove(Deadline.HeaderName);
            transform.ProxyRequest.Headers.TryAddWithoutValidation(Deadline.HeaderName, deadline.ToHeaderValue());
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The proxy-pipeline step: a backend call cancelled because the deadline passed answers 504, not YARP's 502.</summary>
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        await next(context).ConfigureAwait(false);
        if (context.GetForwarderErrorFeature() is not null && DeadlineContext.CurrentScopeOrNull is { IsExpired: true } && !context.Response.HasStarted)
        {
            context.Response.Clear();
            await ProblemResults.Create(StatusCodes.Status504GatewayTimeout, "Deadline exceeded",
                "The request's deadline passed before the backend answered; the call was cancelled.").ExecuteAsync(context).ConfigureAwait(false);
        }
    }
}
