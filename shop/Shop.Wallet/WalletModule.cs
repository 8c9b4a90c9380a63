using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.EventSourcing;
using Shop.Infrastructure.Modules;
using Shop.Wallet.Api;
using Shop.Wallet.Domain;

namespace Shop.Wallet;

/// <summary>The Wallet module's one entry point: event-sourced wallets in the shop's event log (no tables of its own).</summary>
public sealed class WalletModule : IShopModule
{
    private WalletModule()
    {
    }

    /// <summary>The module's name, also the prefix of its event type names.</summary>
    public static string Name => "wallet";

    /// <inheritdoc />
    public static IReadOnlyList<ModuleMigration> Migrations => [];

    /// <summary>Registers wallets on the shop's event store (snapshots every <c>Bulwark:EventSourcing:SnapshotEvery</c> events).</summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddShopEventSourcing(events => events
            .Register<WalletOpened>("wallet.WalletOpened")
            .Register<MoneyDeposited>("wallet.MoneyDeposited")
            .Register<MoneyWithdrawn>("wallet.MoneyWithdrawn"));

    /// <summary>Maps <c>/api/wallets</c>.</summary>
    public static void MapEndpoints(IEndpointRouteBuilder endpoints) => WalletEndpoints.Map(endpoints);
}
