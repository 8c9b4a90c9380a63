using Bulwark.AspNetCore.Health;
using Bulwark.Data.Schema;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Shop.Infrastructure.Data;

namespace Shop.Infrastructure.Modules;

/// <summary>Adds shop modules and the shop database they share.</summary>
public static class ShopModuleServiceCollectionExtensions
{
    /// <summary>
    /// Adds <typeparamref name="TModule"/>: the shop database (once), the module's <see cref="ModuleDatabase{TModule}"/>
    /// migrated in the host's starting phase when it has tables, its services, and its endpoints for
    /// <see cref="MapShopModules"/>. Adding a module twice adds it once.
    /// </summary>
    /// <typeparam name="TModule">The module.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The host's configuration.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddShopModule<TModule>(this IServiceCollection services, IConfiguration configuration)
        where TModule : IShopModule
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(ShopModuleRegistration) && d.ImplementationInstance is ShopModuleRegistration { Type: var type } && type == typeof(TModule)))
        {
            return services;
        }

        services.AddShopDatabase();
        if (TModule.Migrations.Count > 0)
        {
            services.TryAddSingleton<ModuleDatabase<TModule>>();
            // Declared, not positional: every migration runs in the host's starting phase, before any hosted service's
            // StartAsync (imports, relays, consumers) and before Kestrel listens.
            services.AddSchemaMigration<ModuleDatabase<TModule>>();
            services.AddSingleton<IModuleSchema>(sp => sp.GetRequiredService<ModuleDatabase<TModule>>());
        }

        TModule.AddServices(services, configuration);
        services.AddSingleton(new ShopModuleRegistration(typeof(TModule), TModule.Name, TModule.MapEndpoints));
        return services;
    }

    /// <summary>
    /// Adds the shop database (<see cref="ShopDataOptions"/> from <c>Shop:Data</c>) and its readiness check, once. The
    /// library stores take it with <c>UseSqlDatabase(ShopDatabase.Resolve)</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddShopDatabase(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(ShopDatabase)))
        {
            return services;
        }

        services.AddOptions<ShopDataOptions>().BindConfiguration(ShopDataOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ShopSchemaOptions>().BindConfiguration(ShopSchemaOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ShopDatabase(sp.GetRequiredService<IOptions<ShopDataOptions>>().Value));
        services.TryAddSingleton<ShopDatabaseWriteProbe>();
        services.AddHealthChecks().AddCheck<ShopDatabaseHealthCheck>("database", tags: [HealthTags.Ready]);
        return services;
    }

    /// <summary>Maps every added module's endpoints, in the order the modules were added, and the operator's schema endpoints.</summary>
    /// <param name="endpoints">The endpoint builder.</param>
    /// <returns>The endpoint builder.</returns>
    public static IEndpointRouteBuilder MapShopModules(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        foreach (var module in endpoints.ServiceProvider.GetServices<ShopModuleRegistration>())
        {
            module.Map(endpoints);
        }

        endpoints.MapShopSchema();
        return endpoints;
    }
}

/// <summary>A module the host added: its type, name and endpoint mapping.</summary>
/// <param name="Type">The module type.</param>
/// <param name="Name">The module name.</param>
/// <param name="Map">Maps its endpoints.</param>
public sealed record ShopModuleRegistration(Type Type, string Name, Action<IEndpointRouteBuilder> Map);
