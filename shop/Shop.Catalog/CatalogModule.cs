using Bulwark.EventSourcing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.Catalog.Api;
using Shop.Catalog.Contracts;
using Shop.Catalog.Data;
using Shop.Catalog.DataProducts;
using Bulwark.DataProducts;
using Shop.Infrastructure.DataProducts;
using Shop.Catalog.Domain;
using Shop.Catalog.ReadModel;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.EventSourcing;
using Shop.Infrastructure.Modules;

namespace Shop.Catalog;

/// <summary>The Catalog module's one entry point: its services and its endpoints.</summary>
public sealed class CatalogModule : IShopModule
{
    private CatalogModule()
    {
    }

    /// <summary>The module's name, also the prefix of its tables and event type names.</summary>
    public static string Name => "catalog";

    /// <inheritdoc />
    public static IReadOnlyList<ModuleMigration> Migrations => CatalogMigrations.All;

    /// <summary>
    /// Registers the catalogue: products as event streams in the shop's event log (the write side), the product list
    /// read model fed by a projection (the read side, behind <see cref="ICatalogApi"/>), and the start-up import.
    /// Cache-aside for single products needs an <c>IFusionCache</c> (the host's <c>AddBulwarkCaching</c>).
    /// </summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddShopEventSourcing(events => events
                .Register<ProductListed>("catalog.ProductListed")
                .Register<ProductPriceChanged>("catalog.ProductPriceChanged"))
            .AddProjection<ProductListProjection>();
        // The catalogue data product (Codex 33): built from the same product events, never from the read model's table.
        services.AddShopDataProducts().WithProduct(new CatalogueDataProduct());
        services.AddSingleton<ProductListReader>();
        services.AddSingleton<CatalogCacheMetrics>();
        services.AddSingleton<CachedCatalogApi>();
        services.AddSingleton<ICatalogApi>(sp => sp.GetRequiredService<CachedCatalogApi>());
        // A hosted service's StartAsync runs after every migration (the starting phase) and before Kestrel listens.
        services.AddSingleton<IHostedService, CatalogImport>();
    }

    /// <summary>Maps <c>/api/products</c>.</summary>
    public static void MapEndpoints(IEndpointRouteBuilder endpoints) => CatalogEndpoints.Map(endpoints);

    /// <summary>Operations: rebuilds the product list read model from position 0 of the event log.</summary>
    public static Task RebuildProductListAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetRequiredKeyedService<ProjectionRunner>(typeof(ProductListProjection)).RebuildAsync(cancellationToken);
    }
}
