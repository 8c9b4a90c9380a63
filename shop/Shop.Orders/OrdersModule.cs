using Bulwark.Data.Schema;
using Bulwark.EventSourcing;
using Bulwark.Outbox;
using Bulwark.Sagas;
using Bulwark.Sharding;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.EventSourcing;
using Shop.Infrastructure.Modules;
using Shop.Orders.Api;
using Shop.Orders.Contracts;
using Shop.Orders.Data;
using Shop.Orders.DataProducts;
using Bulwark.DataProducts;
using Shop.Infrastructure.DataProducts;
using Shop.Orders.Fulfilment;
using Shop.Orders.History;
using Shop.Orders.Sharding;
using Shop.Infrastructure.Sharding;

namespace Shop.Orders;

/// <summary>The Orders module's one entry point: its services and its endpoints.</summary>
public sealed class OrdersModule : IShopModule
{
    private OrdersModule()
    {
    }

    /// <summary>The module's name, also the prefix of its tables.</summary>
    public static string Name => "orders";

    /// <inheritdoc />
    public static IReadOnlyList<ModuleMigration> Migrations { get; } =
    [
        new("create orders, shipments and history", t => $"""
            CREATE TABLE orders_orders (
                id                TEXT PRIMARY KEY,
                customer_id       TEXT    NOT NULL,
                status            TEXT    NOT NULL CHECK (status IN ('Pending', 'Confirmed', 'Rejected')),
                reason            TEXT,
                lines_json        TEXT    NOT NULL,
                total_cents       {t.BigNumber} NOT NULL,
                currency          TEXT    NOT NULL,
                shipping_postcode TEXT    NOT NULL,
                placed_at         TEXT    NOT NULL,
                updated_at        TEXT    NOT NULL
            );
            CREATE TABLE orders_shipments (
                order_id   TEXT PRIMARY KEY,
                postcode   TEXT NOT NULL,
                status     TEXT NOT NULL CHECK (status IN ('booked', 'cancelled'))
            );
            CREATE TABLE orders_history (
                order_id    TEXT PRIMARY KEY,
                customer_id TEXT    NOT NULL,
                status      TEXT    NOT NULL,
                reason      TEXT,
                total_cents {t.BigNumber} NOT NULL,
                currency    TEXT    NOT NULL,
                placed_at   TEXT    NOT NULL,
                version     {t.BigNumber} NOT NULL
            );
            CREATE INDEX orders_history_by_customer ON orders_history (customer_id, placed_at);
            """),
    ];

    /// <summary>
    /// Registers ordering: the order tables, the fulfilment saga (state in the shop database), the order lifecycle
    /// events in the shop's event log and the order-history projection. Needs the outbox, the catalogue, the inventory
    /// and payments; <c>POST /api/orders</c> needs <c>AddBulwarkIdempotency</c> + <c>UseBulwarkIdempotency</c> in the host.
    /// With <c>Shop:Sharding:Shards</c> configured, the order rows and their outbox live on the customer's shard
    /// (<see cref="AddOrderShards"/>, docs/sharding.md).
    /// </summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        if (services.AddShopSharding(configuration))
        {
            AddOrderShards(services);
        }

        services.TryAddSingleton(sp => new OrderIds(sp.GetService<IShardRouter>()));
        services.TryAddSingleton(sp => new OrderFleet(sp.GetService<IShardRouter>(), sp.GetRequiredService<ModuleDatabase<OrdersModule>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<OrderRepository>();
        services.TryAddSingleton<IOrdersApi, OrdersApi>();
        services.AddSingleton<ShippingDesk>();
        services.AddSingleton<OrderLog>();
        services.AddSingleton<OrderFulfilment>();
        services.AddSingleton<OrderFulfilmentRunner>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<OrderFulfilmentRunner>());
        services.AddShopEventSourcing(events => events
                .Register<OrderPlaced>("orders.OrderPlaced")
                .Register<OrderConfirmedEntry>("orders.OrderConfirmed")
                .Register<OrderRejectedEntry>("orders.OrderRejected"))
            .AddProjection<OrderHistoryProjection>();
        // The orders data product (Codex 33): built from the lifecycle events above, never from the order tables.
        services.AddShopDataProducts().WithProduct(new OrdersDataProduct());
        // The library's orchestrator and sweeper (resume at start, then sweep); the steps' services are injected.
        services.AddBulwarkSagas().UseSqlDatabase(ShopDatabase.Resolve).AddSaga(sp => sp.GetRequiredService<OrderFulfilment>().Define());
    }

    // Sharded: every shard's order tables and outbox migrated at start, each shard's outbox relayed by a relay of its own,
    // and the order rows carried by bucket moves (fenced by the same write guard as the wallets' streams).
    private static void AddOrderShards(IServiceCollection services)
    {
        services.TryAddSingleton(sp => new OrderShardTables(sp.GetRequiredService<IReadOnlyList<Shard>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSchemaMigration<OrderShardTables>();
        services.TryAddSingleton(sp => new ShardedOrderRows(sp.GetRequiredService<IShardRouter>(), sp.GetRequiredService<OrderShardTables>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IShardBucketData, OrderRowsBucketData>(
            sp => new OrderRowsBucketData(sp.GetRequiredService<OrderShardTables>(), sp.GetRequiredService<TimeProvider>())));
        services.AddBulwarkOutbox().WithStoreRelays(sp => sp.GetRequiredService<OrderShardTables>().Shards.Values.Select(s => new NamedOutboxStore(s.Shard.Name, s.Outbox)));
    }

    /// <summary>Maps <c>/api/orders</c> and <c>/api/customers/{id}/orders</c>.</summary>
    public static void MapEndpoints(IEndpointRouteBuilder endpoints) => OrdersEndpoints.Map(endpoints);

    /// <summary>Operations: rebuilds the order-history read model from position 0 of the event log.</summary>
    public static Task RebuildOrderHistoryAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetRequiredKeyedService<ProjectionRunner>(typeof(OrderHistoryProjection)).RebuildAsync(cancellationToken);
    }
}
