using Bulwark.Edge.Cells;
using Bulwark.Edge.Deadlines;
using Bulwark.Edge.Operators;
using Bulwark.Edge.Release;
using Bulwark.Edge.Strangler;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bulwark.Edge;

/// <summary>Maps the edge: its operator endpoints under <c>/edge</c> and the proxy for everything else.</summary>
public static class EdgeEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the operator endpoints (key required) and the reverse proxy with the strangler and release steps. Put the
    /// deadline middleware (<c>UseBulwarkDeadlines</c>) in front of the proxy so each request's deadline is fixed here
    /// and stamped on the call inward.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <returns>The proxy's convention builder.</returns>
    public static ReverseProxyConventionBuilder MapBulwarkEdge(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var operators = endpoints.MapGroup("/edge").WithTags("Edge operations").AddEndpointFilter(OperatorKeyFilter.InvokeAsync);
        EdgeOperatorEndpoints.Map(operators);
        CellEndpoints.Map(operators.MapGroup("/cells"));

        // Everything else under /edge belongs to the edge too: without this, a command whose JSON body is missing (its
        // route does not match without a JSON content type) or a mistyped path would go on to the catch-all proxy and
        // reach a shop. It sits behind the same key filter, so a stranger learns nothing more than 401.
        operators.Map("/{**rest}", EdgeOperatorEndpoints.Unmatched).WithName("EdgeOperatorUnmatched").ExcludeFromDescription();
        return endpoints.MapReverseProxy(pipeline =>
        {
            pipeline.Use(EdgeDeadlineStep.InvokeAsync);
            pipeline.UseMiddleware<StranglerStep>();
            pipeline.UseMiddleware<ReleaseStep>();
            pipeline.UseMiddleware<CellStep>();
            pipeline.UseSessionAffinity();
            pipeline.UseLoadBalancing();
            pipeline.UsePassiveHealthChecks();
        });
    }
}
