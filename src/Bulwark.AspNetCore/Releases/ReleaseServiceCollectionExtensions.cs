using Bulwark.AspNetCore.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Bulwark.AspNetCore.Releases;

/// <summary>Registers the release report and drift detection (Codex 25, Immutable Infrastructure). See <c>docs/releases.md</c>.</summary>
public static class ReleaseServiceCollectionExtensions
{
    /// <summary>
    /// Binds validated <see cref="ReleaseOptions"/> from <c>Bulwark:Release</c>, reads the release manifest at start,
    /// checks the folder for drift in the background, and adds the <c>release</c> check to readiness (degraded on drift).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddBulwarkRelease(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ReleaseOptions>().BindConfiguration(ReleaseOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ReleaseMonitor>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReleaseMonitor>(sp => sp.GetRequiredService<ReleaseMonitor>()));
        services.AddHealthChecks().AddCheck<ReleaseHealthCheck>("release", tags: [HealthTags.Ready]);
        return services;
    }

    /// <summary>Maps <c>{prefix}/release</c>: the release id, commit, configuration hash and any drift, as JSON.</summary>
    /// <param name="endpoints">The endpoints.</param>
    /// <param name="prefix">The health prefix.</param>
    /// <returns>The endpoint, to add conventions to.</returns>
    public static RouteHandlerBuilder MapBulwarkRelease(this IEndpointRouteBuilder endpoints, string prefix = "/health")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapGet($"{prefix}/release", (HttpContext context, ReleaseMonitor monitor) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.Ok(monitor.Status);
        })
            .WithName("HealthRelease")
            .WithTags("Health")
            .WithSummary("The release this instance runs: its id, commit and configuration hash, and any drift from its manifest.");
    }
}
