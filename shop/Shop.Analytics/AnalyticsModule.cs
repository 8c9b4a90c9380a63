using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shop.Analytics.Api;
using Shop.Analytics.Handlers;
using Shop.Identity.Contracts;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Messaging;
using Shop.Infrastructure.Modules;
using Shop.Orders.Contracts;

namespace Shop.Analytics;

/// <summary>The Analytics module: counters per event type, driven only by integration events.</summary>
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

    /// <summary>Subscribes the counters to <c>UserRegistered</c> and <c>OrderPlaced</c>. Needs <c>AddShopMessaging</c>.</summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddShopSubscription(SubscriptionName, s => s
            .On<UserRegistered, CountingHandler<UserRegistered>>(UserRegistered.Topic)
            .On<OrderPlaced, CountingHandler<OrderPlaced>>(OrderPlaced.Topic));

    /// <summary>Maps <c>GET /api/analytics/events</c>.</summary>
    public static void MapEndpoints(IEndpointRouteBuilder endpoints) => AnalyticsEndpoints.Map(endpoints);
}
