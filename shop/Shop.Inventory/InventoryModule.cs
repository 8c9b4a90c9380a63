using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shop.Infrastructure.Sqlite;
using Shop.Inventory.Api;
using Shop.Inventory.Contracts;
using Shop.Inventory.Data;

namespace Shop.Inventory;

/// <summary>The Inventory module's one entry point: its services and its endpoints.</summary>
public static class InventoryModule
{
    /// <summary>The module's name, also its database file name.</summary>
    public const string Name = "inventory";

    /// <summary>Registers the inventory's database, migrations and <see cref="IInventoryApi"/>.</summary>
    public static IServiceCollection AddInventoryModule(this IServiceCollection services)
    {
        services.AddModuleDatabase(Name, InventoryMigrations.All, db => new InventoryDatabase(db));
        services.AddSingleton<IInventoryApi, InventoryRepository>();
        return services;
    }

    /// <summary>Maps <c>/api/inventory</c>.</summary>
    public static IEndpointRouteBuilder MapInventoryEndpoints(this IEndpointRouteBuilder endpoints)
    {
        InventoryEndpoints.Map(endpoints);
        return endpoints;
    }
}
