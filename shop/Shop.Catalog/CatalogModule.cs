using Bulwark.EventSourcing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.Catalog.Api;
using Shop.Catalog.Contracts;
using Shop.Catalog.Data;
using Shop.Catalog.Domain;
using Shop.Catalog.ReadModel;
using Shop.Infrastructure.EventSourcing;
using Shop.Infrastructure.Sqlite;

namespace Shop.Catalog;

/// <summary>The Catalog module's one entry point: its services and its endpoints.</summary>
public static class CatalogModule
{
    /// <summary>The module's name, also the prefix of its tables and event type names.</summary>
    public const string Name = "catalog";

    /// <summary>
    /// Registers the catalogue: products as event streams in the shop's event log (the write side), the product list
    /// read model fed by a projection (the read side, behind <see cref="ICatalogApi"/>), and the start-up import.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="shopConnectionString">The shop database (<c>ShopDataOptions.ConnectionString</c>).</param>
    public static IServiceCollection AddCatalogModule(this IServiceCollection services, string shopConnectionString)
    {
        services.AddModuleDatabase(Name, CatalogMigrations.All, db => new CatalogDatabase(db));
        services.AddShopEventSourcing(shopConnectionString, events => events
                .Register<ProductListed>("catalog.ProductListed")
                .Register<ProductPriceChanged>("catalog.ProductPriceChanged"))
            .AddProjection<ProductListProjection>(o => o.PollInterval = TimeSpan.FromMilliseconds(50));
        // Cache-aside for single products: needs an IFusionCache (the host's AddBulwarkCaching).
        services.AddSingleton<ProductListReader>();
        services.AddSingleton<ICatalogApi, CachedCatalogApi>();
        // After the module's migrations (registered above), before Kestrel listens.
        services.AddSingleton<IHostedService, CatalogImport>();
        return services;
    }

    /// <summary>Maps <c>/api/products</c>.</summary>
    public static IEndpointRouteBuilder MapCatalogEndpoints(this IEndpointRouteBuilder endpoints)
    {
        CatalogEndpoints.Map(endpoints);
        return endpoints;
    }

    /// <summary>Operations: rebuilds the product list read model from position 0 of the event log.</summary>
    public static Task RebuildProductListAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetRequiredKeyedService<ProjectionRunner>(typeof(ProductListProjection)).RebuildAsync(cancellationToken);
    }
}
