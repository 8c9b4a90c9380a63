using Bulwark.Messaging;
using Bulwark.Messaging.Subscriptions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shop.Identity.Contracts;
using Shop.Infrastructure.Messaging;
using Shop.Infrastructure.Sqlite;
using Shop.Analytics.Api;
using Shop.Analytics.Data;
using Shop.Analytics.Handlers;
using Shop.Orders.Contracts;

namespace Shop.Analytics;

/// <summary>The Analytics module: counters per event type, driven only by integration events.</summary>
public static class AnalyticsModule
{
    /// <summary>The module's name, also the prefix of its tables.</summary>
    public const string Name = "analytics";

    /// <summary>The module's subscription (its own durable queue) and its inbox consumer name.</summary>
    public const string SubscriptionName = "analytics";

    /// <summary>Registers the module and its subscription. Needs <c>AddShopMessaging</c>.</summary>
    public static IServiceCollection AddAnalyticsModule(this IServiceCollection services)
    {
        services.AddModuleDatabase(Name, AnalyticsMigrations.All, db => new AnalyticsDatabase(db));
        services.AddBulwarkMessaging()
            .AddShopContract<UserRegistered>(UserRegistered.Topic)
            .AddShopContract<OrderPlaced>(OrderPlaced.Topic)
            .AddSubscription(SubscriptionName, s => s
                .FromTopic(UserRegistered.Topic)
                .FromTopic(OrderPlaced.Topic)
                .Handle<UserRegistered, CountingHandler<UserRegistered>>()
                .Handle<OrderPlaced, CountingHandler<OrderPlaced>>());
        return services;
    }

    /// <summary>Maps <c>GET /api/analytics/events</c>.</summary>
    public static IEndpointRouteBuilder MapAnalyticsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        AnalyticsEndpoints.Map(endpoints);
        return endpoints;
    }
}
