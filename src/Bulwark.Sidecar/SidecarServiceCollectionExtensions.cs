using System.Diagnostics;
using System.Net;
using Bulwark.AspNetCore.Deadlines;
using Bulwark.Resilience.Deadlines;
using Bulwark.Resilience.DependencyInjection;
using Bulwark.Sidecar.Proxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Bulwark.Sidecar;

/// <summary>Registers and maps the Bulwark sidecar. See <c>docs/sidecar.md</c>.</summary>
public static class SidecarServiceCollectionExtensions
{
    /// <summary>
    /// Adds the sidecar: YARP routes and clusters from <c>Bulwark:Sidecar:Upstreams</c>, each upstream called through
    /// its Bulwark resilience pipeline (<c>Bulwark:Resilience:Pipelines:{pipeline}</c>: deadline and timeout, budgeted
    /// retry, circuit breaker, bulkhead), the incoming <c>X-Deadline</c> honoured (<c>Bulwark:Deadlines</c>) and carried,
    /// W3C <c>traceparent</c> continued. Upstreams are read once at start-up; every option is validated then.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The application configuration (the root, not a section).</param>
    /// <returns>YARP's builder, to add YARP features on top.</returns>
    public static IReverseProxyBuilder AddBulwarkSidecar(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SidecarOptions.SectionName);
        services.AddOptions<SidecarOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SidecarOptions>, SidecarOptionsValidator>());
        var pipelines = configuration.GetSection(Bulwark.Resilience.DependencyInjection.ResilienceServiceCollectionExtensions.SectionName + ":Pipelines");
        services.AddSingleton<IValidateOptions<SidecarOptions>>(new UpstreamValidator(pipelines));
        services.AddBulwarkResilience(configuration);
        services.AddBulwarkDeadlines(configuration);
        services.AddMetrics();
        services.TryAddSingleton<SidecarMetrics>();

        foreach (var upstream in section.GetSection(nameof(SidecarOptions.Upstreams)).GetChildren())
        {
            var pipeline = upstream[nameof(SidecarUpstreamOptions.Pipeline)] is { Length: > 0 } named ? named : upstream.Key;
            AddUpstreamClients(services, pipelines, upstream.Key, pipeline);
        }

        services.TryAddSingleton<IForwarderHttpClientFactory, SidecarForwarderClientFactory>();
        services.TryAddSingleton<SidecarProxyConfig>();
        services.AddSingleton<IProxyConfigProvider>(sp => sp.GetRequiredService<SidecarProxyConfig>());
        return services.AddReverseProxy();
    }

    /// <summary>Maps the sidecar's routes (YARP). Place <c>UseBulwarkDeadlines</c> before it.</summary>
    /// <param name="endpoints">The endpoints.</param>
    /// <returns>The endpoints.</returns>
    public static IEndpointRouteBuilder MapBulwarkSidecar(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapReverseProxy(proxy =>
        {
            proxy.Use(DeadlineAsGatewayTimeoutAsync);
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return endpoints;
    }

    /// <summary>
    /// When the caller's deadline cancels a forward in flight, YARP reports a cancelled request (502 or 400); the caller
    /// should hear 504, the same as when the upstream's own budget runs out.
    /// </summary>
    private static async Task DeadlineAsGatewayTimeoutAsync(HttpContext context, Func<Task> next)
    {
        await next().ConfigureAwait(false);
        if (context.Features.Get<IForwarderErrorFeature>() is not null && !context.Response.HasStarted
            && DeadlineContext.CurrentScopeOrNull is { IsExpired: true })
        {
            context.Response.Clear();
            await TypedResults.Problem(
                    "The request's deadline passed before the upstream answered; the call was cancelled.",
                    statusCode: StatusCodes.Status504GatewayTimeout,
                    title: "Deadline exceeded",
                    type: Bulwark.AspNetCore.Problems.ProblemTypes.DeadlineExceeded)
                .ExecuteAsync(context).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Two clients per upstream over one breaker and one budget: safe requests without a body may be retried; any other
    /// request gets a single attempt, because the proxy streams its body once and a POST is not known to be idempotent.
    /// </summary>
    private static void AddUpstreamClients(IServiceCollection services, IConfiguration pipelines, string upstream, string pipeline)
    {
        Configure(services.AddHttpClient(SidecarClients.Retrying(upstream))).AddBulwarkResilienceHandler(pipeline);

        // The same section as the retrying pipeline, minus the retry. Bound, not copied from the other named options:
        // configuring options of a type from that type's own monitor is a dependency cycle.
        var single = SidecarClients.SingleAttemptPipeline(pipeline);
        services.AddOptions<BulwarkPipelineOptions>(single)
            .Bind(pipelines.GetSection(pipeline))
            .PostConfigure(static o =>
            {
                o.Retry = null;
                o.RetryBudget = null;
            });
        var singleAttempt = Configure(services.AddHttpClient(SidecarClients.SingleAttempt(upstream)));
        singleAttempt.AddResilienceHandler(single, (builder, context) => builder.AddBulwarkPipeline(single, context.ServiceProvider));
        singleAttempt.AddBulwarkDeadlinePropagation();
    }

    private static IHttpClientBuilder Configure(IHttpClientBuilder client) =>
        client
            // What YARP's own client factory sets, so forwarding stays transparent: no proxy, redirects, cookies or
            // decompression. The propagator replaces the caller's traceparent with this hop's span instead of copying it.
            .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler
            {
                UseProxy = false,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                UseCookies = false,
                EnableMultipleHttp2Connections = true,
                ConnectTimeout = TimeSpan.FromSeconds(15),
                // Pooled connections still pick up DNS changes, so the handler itself can live as long as the process.
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            // IHttpClientFactory logs every request at information: at 1,000 requests a second that is the whole log.
            .RemoveAllLoggers();
}
