using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.AspNetCore.Health;

/// <summary>Registers Bulwark's health conventions.</summary>
public static class HealthServiceCollectionExtensions
{
    /// <summary>Adds health checks with the draining check on readiness; add dependency checks tagged <see cref="HealthTags.Ready"/>.</summary>
    public static IHealthChecksBuilder AddBulwarkHealth(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddHealthChecks().AddCheck<DrainingHealthCheck>("draining", tags: [HealthTags.Ready]);
    }
}
