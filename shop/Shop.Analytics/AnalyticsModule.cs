using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shop.Analytics.Api;
using Shop.Analytics.Handlers;
using Shop.Analytics.Sales;
using Shop.Infrastructure.DataProducts;
using Shop.Identity.Contracts;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Messaging;
using Shop.Infrastructure.Modules;
using Shop.Orders.Contracts;

namespace Shop.Analytics;

/// <summary>
/// The Analytics module: counters per event type driven by integration events, and a sales summary read only from the
/// data products other modules publish (docs/data-products.md).
/// </summary>
public sealed class AnalyticsModule : IShopModule
{
    /// <summary>The module's name, also the prefix of its tables, its subscription (own durable queue) and inbox consumer.</summary>
    public const string SubscriptionName = "analytics";

    private AnalyticsModule()
    {
    }

    /// <inheritdoc />
    public static string Name => SubscriptionName;

    /// <inheritdoc />
    public static IReadOnlyList<ModuleMigration> Migrations { get; } =
    [
        new("create counters", t => $"""
            CREATE TABLE analytics_counters (
                event_type TEXT PRIMARY KEY,
                count      {t.BigNumber} NOT NULL
            );
            """),
    ];

    /// <summary>
    /// Subscribes the counters to <c>UserRegistered</c> and <c>OrderPlaced</c> (needs <c>AddShopMessaging</c>), and reads
    /// the sales summary from the orders, catalogue and payments data products, never from those modules' tables.
    /// </summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddShopSubscription(SubscriptionName, s => s
            .On<UserRegistered, CountingHandler<UserRegistered>>(UserRegistered.Topic)
            .On<OrderPlaced, CountingHandler<OrderPlaced>>(OrderPlaced.Topic));
        services.AddShopDataProducts();
        services.AddSingleton<SalesFromDataProducts>();
    }

    /// <summary>Maps <c>GET /api/analytics/events</c> and <c>GET /api/analytics/sales</c>.</summary>
    public static void MapEndpoints(IEndpointRouteBuilder endpoints) => AnalyticsEndpoints.Map(endpoints);
}
