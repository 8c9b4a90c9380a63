using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Modules;
using Shop.Infrastructure.ServiceClients;
using Shop.Inventory.Api;
using Shop.Inventory.Contracts;
using Shop.Inventory.Data;
using Shop.Inventory.LegacyErp;
using Shop.Inventory.StockSync;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Shop.Inventory;

/// <summary>The Inventory module's one entry point: its services and its endpoints.</summary>
public sealed class InventoryModule : IShopModule
{
    private InventoryModule()
    {
    }

    /// <summary>The name of the legacy ERP's HttpClient, for adding handlers to it.</summary>
    public const string LegacyErpHttpClientName = "legacy-erp";

    /// <summary>The module's name, also the prefix of its tables.</summary>
    public static string Name => "inventory";

    /// <inheritdoc />
    public static IReadOnlyList<ModuleMigration> Migrations => InventoryMigrations.All;

    /// <summary>
    /// Registers <see cref="IInventoryApi"/> and the stock sync from the legacy ERP through its anti-corruption layer
    /// (<c>Shop:Inventory:StockSync</c>, <c>Shop:Inventory:LegacyErp</c>).
    /// </summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IInventoryApi, InventoryRepository>();
        AddStockSync(services);
    }

    // The sync knows only IStockCountSource; which system counts the shelf is decided here, in composition.
    private static void AddStockSync(IServiceCollection services)
    {
        services.AddOptions<StockSyncOptions>().BindConfiguration(StockSyncOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton<StockSyncMetrics>();
        services.TryAddSingleton<StockSyncService>();
        services.AddHostedService<StockSyncWorker>();
        services.AddServiceClient<LegacyErpOptions>(LegacyErpHttpClientName, LegacyErpOptions.SectionName)
            .AddTypedClient<IStockCountSource, LegacyErpStockSource>();
    }

    /// <summary>Maps <c>/api/inventory</c>.</summary>
    public static void MapEndpoints(IEndpointRouteBuilder endpoints) => InventoryEndpoints.Map(endpoints);
}
