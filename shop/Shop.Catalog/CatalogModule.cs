using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shop.Catalog.Api;
using Shop.Catalog.Contracts;
using Shop.Catalog.Data;
using Shop.Infrastructure.Sqlite;

namespace Shop.Catalog;

/// <summary>The Catalog module's one entry point: its services and its endpoints.</summary>
public static class CatalogModule
{
    /// <summary>The module's name, also its database file name.</summary>
    public const string Name = "catalog";

    /// <summary>Registers the catalogue's database, migrations and <see cref="ICatalogApi"/>.</summary>
    public static IServiceCollection AddCatalogModule(this IServiceCollection services)
    {
        services.AddModuleDatabase(Name, CatalogMigrations.All, db => new CatalogDatabase(db));
        services.AddSingleton<ICatalogApi, CatalogRepository>();
        return services;
    }

    /// <summary>Maps <c>/api/products</c>.</summary>
    public static IEndpointRouteBuilder MapCatalogEndpoints(this IEndpointRouteBuilder endpoints)
    {
        CatalogEndpoints.Map(endpoints);
        return endpoints;
    }
}
