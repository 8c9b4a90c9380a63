using Bulwark.EventSourcing;
using Bulwark.Sagas;
using Bulwark.Sqlite;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Shop.Infrastructure.EventSourcing;
using Shop.Infrastructure.Sqlite;
using Shop.Orders.Api;
using Shop.Orders.Contracts;
using Shop.Orders.Data;
using Shop.Orders.Fulfilment;
using Shop.Orders.History;

namespace Shop.Orders;

/// <summary>The Orders module's one entry point: its services and its endpoints.</summary>
public static class OrdersModule
{
    /// <summary>The module's name, also the prefix of its tables.</summary>
    public const string Name = "orders";

    /// <summary>
    /// Registers ordering: the order tables, the fulfilment saga (state in the shop database), the order lifecycle
    /// events in the shop's event log and the order-history projection. Needs the outbox, the catalogue, the inventory
    /// and payments; <c>POST /api/orders</c> needs <c>AddBulwarkIdempotency</c> + <c>UseBulwarkIdempotency</c> in the host.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="shopConnectionString">The shop database (<c>ShopDataOptions.ConnectionString</c>).</param>
    public static IServiceCollection AddOrdersModule(this IServiceCollection services, string shopConnectionString)
    {
        services.AddModuleDatabase(Name, OrdersMigrations.All, db => new OrdersDatabase(db));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<OrderRepository>();
        services.TryAddSingleton<IOrdersApi, OrdersApi>();
        services.AddSingleton<ShippingDesk>();
        services.AddSingleton<OrderLog>();
        services.AddSingleton<OrderFulfilment>();
        services.AddSingleton<OrderFulfilmentRunner>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<OrderFulfilmentRunner>());
        services.AddShopEventSourcing(shopConnectionString, events => events
                .Register<OrderPlaced>("orders.OrderPlaced")
                .Register<OrderConfirmedEntry>("orders.OrderConfirmed")
                .Register<OrderRejectedEntry>("orders.OrderRejected"))
            .AddProjection<OrderHistoryProjection>(o => o.PollInterval = TimeSpan.FromMilliseconds(50));
        // The library's orchestrator and sweeper (resume at start, then sweep); the steps' services are injected.
        services.AddBulwarkSagas().UseSqlite(shopConnectionString).AddSaga(sp => sp.GetRequiredService<OrderFulfilment>().Define());
        return services;
    }

    /// <summary>Maps <c>/api/orders</c> and <c>/api/customers/{id}/orders</c>.</summary>
    public static IEndpointRouteBuilder MapOrdersEndpoints(this IEndpointRouteBuilder endpoints)
    {
        OrdersEndpoints.Map(endpoints);
        return endpoints;
    }

    /// <summary>Operations: rebuilds the order-history read model from position 0 of the event log.</summary>
    public static Task RebuildOrderHistoryAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetRequiredKeyedService<ProjectionRunner>(typeof(OrderHistoryProjection)).RebuildAsync(cancellationToken);
    }
}
