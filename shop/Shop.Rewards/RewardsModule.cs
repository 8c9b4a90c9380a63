using Bulwark.Messaging;
using Bulwark.Messaging.Subscriptions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shop.Identity.Contracts;
using Shop.Infrastructure.Messaging;
using Shop.Infrastructure.Sqlite;
using Shop.Rewards.Api;
using Shop.Rewards.Data;
using Shop.Rewards.Handlers;
using Shop.Orders.Contracts;

namespace Shop.Rewards;

/// <summary>The Rewards module: welcome points and points per confirmed order, driven only by integration events.</summary>
public static class RewardsModule
{
    /// <summary>The module's name, also the prefix of its tables.</summary>
    public const string Name = "rewards";

    /// <summary>The module's subscription (its own durable queue) and its inbox consumer name.</summary>
    public const string SubscriptionName = "rewards";

    /// <summary>Registers the module and its subscription. Needs <c>AddShopMessaging</c>.</summary>
    public static IServiceCollection AddRewardsModule(this IServiceCollection services)
    {
        services.AddModuleDatabase(Name, RewardsMigrations.All, db => new RewardsDatabase(db));
        services.AddBulwarkMessaging()
            .AddShopContract<UserRegistered>(UserRegistered.Topic)
            .AddShopContract<OrderConfirmed>(OrderConfirmed.Topic)
            .AddSubscription(SubscriptionName, s => s
                .FromTopic(UserRegistered.Topic)
                .FromTopic(OrderConfirmed.Topic)
                .Handle<UserRegistered, WelcomePointsHandler>()
                .Handle<OrderConfirmed, OrderPointsHandler>());
        return services;
    }

    /// <summary>Maps <c>GET /api/rewards/{userId}</c>.</summary>
    public static IEndpointRouteBuilder MapRewardsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        RewardsEndpoints.Map(endpoints);
        return endpoints;
    }
}
