using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Modules;
using Shop.Inventory.Api;
using Shop.Inventory.Contracts;
using Shop.Inventory.Data;

namespace Shop.Inventory;

/// <summary>The Inventory module's one entry point: its services and its endpoints.</summary>
public sealed class InventoryModule : IShopModule
{
    private InventoryModule()
    {
    }

    /// <summary>The module's name, also the prefix of its tables.</summary>
    public static string Name => "inventory";

    /// <inheritdoc />
    public static IReadOnlyList<ModuleMigration> Migrations => InventoryMigrations.All;

    /// <summary>Registers <see cref="IInventoryApi"/>.</summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton<IInventoryApi, InventoryRepository>();

    /// <summary>Maps <c>/api/inventory</c>.</summary>
    public static void MapEndpoints(IEndpointRouteBuilder endpoints) => InventoryEndpoints.Map(endpoints);
}
