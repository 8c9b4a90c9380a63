using System.Globalization;
using Bulwark.Resilience.Bulkhead;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Http;

namespace Bulwark.AspNetCore.Resilience;

/// <summary>Runs an endpoint inside a bulkhead compartment; a full compartment answers 503 + <c>Retry-After</c> without throwing.</summary>
internal sealed class BulkheadEndpointFilter(string compartment) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var bulkhead = http.RequestServices.GetRequiredService<BulkheadRegistry>().Get(compartment);
        using var lease = await bulkhead.AcquireAsync(http.RequestAborted).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(bulkhead.Options.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(
                detail: $"The '{compartment}' compartment is at capacity; try again later.",
                instance: http.Request.Path,
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Service busy",
                type: "https://bulwark.dev/problems/bulkhead-full");
        }

        return await next(context).ConfigureAwait(false);
    }
}
