using Bulwark.Drills.Load;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bulwark.Drills.Model;

/// <summary>Registers the drill runner and the load generator for hosts that run drills (a CLI, a test harness).</summary>
public static class DrillsServiceCollectionExtensions
{
    /// <summary>Adds <see cref="DrillRunner"/>, <see cref="LoadGenerator"/> and <see cref="TimeProvider.System"/> unless already registered.</summary>
    public static IServiceCollection AddBulwarkDrills(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LoadGenerator>();
        services.TryAddSingleton<DrillRunner>();
        return services;
    }
}
