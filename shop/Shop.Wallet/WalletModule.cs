using Bulwark.EventSourcing;
using Bulwark.Sharding;
using Bulwark.Sharding.EventSourcing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Shop.Infrastructure.Data;
using Shop.Identity.Contracts;
using Shop.Infrastructure.EventSourcing;
using Shop.Infrastructure.Messaging;
using Shop.Infrastructure.Modules;
using Shop.Infrastructure.Sharding;
using Shop.Wallet.Api;
using Shop.Wallet.Domain;
using Shop.Wallet.Handlers;
using Shop.Wallet.Sharding;

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

    /// <summary>The name of the module's subscription on the bus.</summary>
    public const string SubscriptionName = "wallet";

    /// <summary>
    /// Registers wallets on the shop's event store (snapshots every <c>Bulwark:EventSourcing:SnapshotEvery</c> events),
    /// or, when <c>Shop:Sharding:Shards</c> lists databases, on event streams sharded by the owning customer
    /// (docs/sharding.md); subscribes to <c>CustomerForgotten</c> (needs <c>AddShopMessaging</c>).
    /// </summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddShopEventSourcing(events => events
            .Register<WalletOpened>("wallet.WalletOpened")
            .Register<MoneyDeposited>("wallet.MoneyDeposited")
            .Register<MoneyWithdrawn>("wallet.MoneyWithdrawn"));
        if (services.AddShopSharding(configuration))
        {
            // A closed registration wins over the open AggregateRepository<> on the shop's one event log.
            services.AddSingleton(sp => new AggregateRepository<WalletAccount>(
                sp.GetRequiredService<ShardedEventStore>(),
                sp.GetRequiredService<EventSerializer>(),
                sp.GetRequiredService<ShardedEventStore>(),
                sp.GetService<IOptions<AggregateRepositoryOptions>>()));
        }

        services.TryAddSingleton(sp => new WalletIds(sp.GetService<IShardRouter>()));
        services.TryAddSingleton(sp => new WalletFleet(sp.GetService<IShardRouter>(), sp.GetRequiredService<ShopDatabase>(), sp.GetRequiredService<TimeProvider>()));

        // A forgotten customer's wallets are forgotten too (docs/data-products.md#forgetting-a-customer).
        services.AddShopSubscription(SubscriptionName, s => s.On<CustomerForgotten, ForgetCustomerWalletsHandler>(CustomerForgotten.Topic));
    }

    /// <summary>Maps <c>/api/wallets</c>.</summary>
    public static void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        WalletEndpoints.Map(endpoints);

        // The shard map's operator endpoints, here while wallets are the one sharded module.
        endpoints.MapShopSharding();
    }
}
