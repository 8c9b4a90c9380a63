using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shop.Infrastructure.EventSourcing;
using Shop.Wallet.Api;
using Shop.Wallet.Domain;

namespace Shop.Wallet;

/// <summary>The Wallet module's one entry point: event-sourced wallets in the shop's event log.</summary>
public static class WalletModule
{
    /// <summary>The module's name, also the prefix of its event type names.</summary>
    public const string Name = "wallet";

    /// <summary>Registers wallets on the shop's SQLite event store (snapshots every <c>Bulwark:EventSourcing:SnapshotEvery</c> events).</summary>
    /// <param name="services">The services.</param>
    /// <param name="shopConnectionString">The shop database (<c>ShopDataOptions.ConnectionString</c>).</param>
    public static IServiceCollection AddWalletModule(this IServiceCollection services, string shopConnectionString)
    {
        services.AddShopEventSourcing(shopConnectionString, events => events
            .Register<WalletOpened>("wallet.WalletOpened")
            .Register<MoneyDeposited>("wallet.MoneyDeposited")
            .Register<MoneyWithdrawn>("wallet.MoneyWithdrawn"));
        return services;
    }

    /// <summary>Maps <c>/api/wallets</c>.</summary>
    public static IEndpointRouteBuilder MapWalletEndpoints(this IEndpointRouteBuilder endpoints)
    {
        WalletEndpoints.Map(endpoints);
        return endpoints;
    }
}
