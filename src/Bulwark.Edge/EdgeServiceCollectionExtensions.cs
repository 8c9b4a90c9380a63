using Bulwark.Edge.Cells;
using Bulwark.Edge.Deadlines;
using Bulwark.Edge.Proxy;
using Bulwark.Edge.Release;
using Bulwark.Edge.Strangler;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;

namespace Bulwark.Edge;

/// <summary>Registers the edge: YARP fed from <see cref="EdgeOptions"/>, the strangler, the release controller. See <c>docs/edge.md</c>.</summary>
public static class EdgeServiceCollectionExtensions
{
    /// <summary>
    /// Adds the edge, bound from <paramref name="section"/> (normally <c>Edge</c>) and following its reloads: a changed
    /// route, backend or slot takes effect without a restart.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The configuration section holding <see cref="EdgeOptions"/>.</param>
    /// <returns>YARP's builder, to add YARP features on top.</returns>
    public static IReverseProxyBuilder AddBulwarkEdge(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.Configure<EdgeOptions>(section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        // Their deadlines come from cancellation tokens per call (shadow timeout, smoke timeout), not from the client.
        services.AddHttpClient(ShadowSender.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHttpClient(ReleaseController.SmokeClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHttpClient(BusinessMetricReader.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHttpClient(CellProbeService.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHttpClient(CellMover.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton<EdgeMetrics>();
        services.TryAddSingleton<CellRouter>();
        services.TryAddSingleton<CellMover>();
        services.TryAddSingleton<StranglerTable>();
        services.TryAddSingleton<ShadowSender>();
        services.TryAddSingleton<BusinessMetricReader>();
        services.TryAddSingleton<ReleaseController>();
        services.TryAddSingleton<EdgeProxyConfig>();
        services.AddSingleton<IProxyConfigProvider>(sp => sp.GetRequiredService<EdgeProxyConfig>());
        services.AddHostedService<CanaryAnalysisService>();
        services.AddHostedService<CellProbeService>();
        return services.AddReverseProxy().AddTransforms(context =>
        {
            context.AddRequestTransform(EdgeDeadlineStep.StampAsync);
            // The edge is the outermost hop: X-Forwarded-* a client sends is its own claim, so the edge replaces it with
            // what it saw (YARP's default, said here so no route can drift to Append). The shop trusts these only from
            // the proxies in Shop:ForwardedHeaders:KnownProxies.
            context.AddXForwarded(ForwardedTransformActions.Set);
            if (context.Route.Metadata?.ContainsKey(StranglerStep.RouteMetadataKey) == true)
            {
                // Each side spells the path its own way; the strangler step chose the side for this request.
                context.AddRequestTransform(transform =>
                {
                    if (transform.HttpContext.Items[typeof(StranglerSide)] is StranglerSelection selection)
                    {
                        transform.Path = PathTemplate.Render(selection.PathTemplate, transform.HttpContext.Request.RouteValues);
                    }

                    return ValueTask.CompletedTask;
                });
                // After a flip, callers of the old URL keep the old shape when the route says what it is.
                context.AddResponseTransform(LegacyShapeStep.ReshapeAsync);
            }
        });
    }
}
