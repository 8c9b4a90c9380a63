using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Bulwark.AspNetCore.Health;

/// <summary>Registers Bulwark's health conventions.</summary>
public static class HealthServiceCollectionExtensions
{
    /// <summary>
    /// Adds health checks with the draining check on readiness and the drain delay at shutdown; add dependency
    /// checks tagged <see cref="HealthTags.Ready"/>.
    /// </summary>
    public static IHealthChecksBuilder AddBulwarkHealth(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<BulwarkHealthOptions>().BindConfiguration(BulwarkHealthOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DrainDelayService>());
        return services.AddHealthChecks().AddCheck<DrainingHealthCheck>("draining", tags: [HealthTags.Ready]);
    }
}
