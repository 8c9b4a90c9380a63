using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shop.Infrastructure.Sqlite;
using Shop.Inventory.Api;
using Shop.Inventory.Contracts;
using Shop.Inventory.Data;
using Shop.Inventory.LegacyErp;
using Shop.Inventory.StockSync;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Shop.Inventory;

/// <summary>The Inventory module's one entry point: its services and its endpoints.</summary>
public static class InventoryModule
{
    /// <summary>The module's name, also its database file name.</summary>
    public const string Name = "inventory";

    /// <summary>
    /// Registers the inventory's database, migrations and <see cref="IInventoryApi"/>, and the stock sync from the legacy
    /// ERP through its anti-corruption layer (<c>Shop:Inventory:StockSync</c>, <c>Shop:Inventory:LegacyErp</c>).
    /// </summary>
    public static IServiceCollection AddInventoryModule(this IServiceCollection services)
    {
        services.AddModuleDatabase(Name, InventoryMigrations.All, db => new InventoryDatabase(db));
        services.AddSingleton<IInventoryApi, InventoryRepository>();
        services.AddStockSync();
        return services;
    }

    // The sync knows only IStockCountSource; which system counts the shelf is decided here, in composition.
    private static void AddStockSync(this IServiceCollection services)
    {
        services.AddOptions<StockSyncOptions>().BindConfiguration(StockSyncOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<LegacyErpOptions>().BindConfiguration(LegacyErpOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton<StockSyncMetrics>();
        services.TryAddSingleton<StockSyncService>();
        services.AddHostedService<StockSyncWorker>();
        services.AddHttpClient<IStockCountSource, LegacyErpStockSource>(LegacyErpHttpClientName, (sp, http) =>
        {
            var erp = sp.GetRequiredService<IOptions<LegacyErpOptions>>().Value;
            http.BaseAddress = new Uri(erp.Url, "/");
            http.Timeout = erp.Timeout;
        });
    }

    /// <summary>The name of the legacy ERP's HttpClient, for adding handlers to it.</summary>
    public const string LegacyErpHttpClientName = "legacy-erp";

    /// <summary>Maps <c>/api/inventory</c>.</summary>
    public static IEndpointRouteBuilder MapInventoryEndpoints(this IEndpointRouteBuilder endpoints)
    {
        InventoryEndpoints.Map(endpoints);
        return endpoints;
    }
}
