using Bulwark.Messaging;
using Bulwark.Messaging.Subscriptions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shop.Identity.Contracts;
using Shop.Infrastructure.Messaging;
using Shop.Infrastructure.Sqlite;
using Shop.Notifications.Api;
using Shop.Notifications.Data;
using Shop.Notifications.Handlers;
using Shop.Orders.Contracts;

namespace Shop.Notifications;

/// <summary>The Notifications module: welcome, order-confirmation and order-rejection e-mails, driven only by integration events.</summary>
public static class NotificationsModule
{
    /// <summary>The module's name, also the prefix of its tables.</summary>
    public const string Name = "notifications";

    /// <summary>The module's subscription (its own durable queue) and its inbox consumer name.</summary>
    public const string SubscriptionName = "notifications";

    /// <summary>Registers the module and its subscription. Needs <c>AddShopMessaging</c>.</summary>
    public static IServiceCollection AddNotificationsModule(this IServiceCollection services)
    {
        services.AddModuleDatabase(Name, NotificationsMigrations.All, db => new NotificationsDatabase(db));
        services.AddBulwarkMessaging()
            .AddShopContract<UserRegistered>(UserRegistered.Topic)
            .AddShopContract<OrderConfirmed>(OrderConfirmed.Topic)
            .AddShopContract<OrderRejected>(OrderRejected.Topic)
            .AddSubscription(SubscriptionName, s => s
                .FromTopic(UserRegistered.Topic)
                .FromTopic(OrderConfirmed.Topic)
                .FromTopic(OrderRejected.Topic)
                .Handle<UserRegistered, WelcomeEmailHandler>()
                .Handle<OrderConfirmed, OrderConfirmationHandler>()
                .Handle<OrderRejected, OrderRejectionHandler>());
        return services;
    }

    /// <summary>Maps <c>GET /api/notifications?userId=</c>.</summary>
    public static IEndpointRouteBuilder MapNotificationsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        NotificationsEndpoints.Map(endpoints);
        return endpoints;
    }
}
