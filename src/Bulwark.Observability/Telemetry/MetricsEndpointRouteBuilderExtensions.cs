using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bulwark.Observability.Telemetry;

/// <summary>Maps the Prometheus scrape endpoint. See docs/observability.md#metrics.</summary>
public static class MetricsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>Bulwark:Observability:Prometheus:Path</c> (default <c>/metrics</c>) when
    /// <c>Bulwark:Observability:Prometheus:Enabled</c> is true; does nothing otherwise. Scrapes are neither counted
    /// as HTTP traffic nor logged, so a scrape every 15 s does not skew the golden signals or flood the request log.
    /// </summary>
    /// <param name="endpoints">The endpoints, after <c>AddBulwarkObservability</c>.</param>
    /// <param name="configure">Further conventions for the endpoint, e.g. <c>RequireHost("*:9464")</c> to keep it off the public port.</param>
    /// <returns>The endpoints.</returns>
    public static IEndpointRouteBuilder MapBulwarkMetrics(this IEndpointRouteBuilder endpoints, Action<IEndpointConventionBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<BulwarkObservabilityOptions>>().Value.Prometheus;
        if (!options.Enabled)
        {
            return endpoints;
        }

        var endpoint = endpoints.MapPrometheusScrapingEndpoint(options.Path)
            .DisableHttpMetrics()
            .WithHttpLogging(HttpLoggingFields.None)
            .ExcludeFromDescription();
        configure?.Invoke(endpoint);
        return endpoints;
    }
}
