using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shop.Identity.Contracts;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Messaging;
using Shop.Infrastructure.Modules;
using Shop.Notifications.Api;
using Shop.Notifications.Handlers;
using Shop.Orders.Contracts;

namespace Shop.Notifications;

/// <summary>The Notifications module: welcome, order-confirmation and order-rejection e-mails, driven only by integration events.</summary>
public sealed class NotificationsModule : IShopModule
{
    /// <summary>The module's name, also the prefix of its tables, its subscription (own durable queue) and inbox consumer.</summary>
    public const string SubscriptionName = "notifications";

    private NotificationsModule()
    {
    }

    /// <inheritdoc />
    public static string Name => SubscriptionName;

    /// <inheritdoc />
    public static IReadOnlyList<ModuleMigration> Migrations { get; } =
    [
        new("create outbox and recipients", t => $"""
            CREATE TABLE notifications_recipients (
                user_id      TEXT PRIMARY KEY,
                email        TEXT NOT NULL,
                display_name TEXT NOT NULL
            );
            CREATE TABLE notifications_outbox (
                id         {t.IdentityKey},
                user_id    TEXT NOT NULL,
                kind       TEXT NOT NULL,
                recipient  TEXT NULL,
                subject    TEXT NOT NULL,
                body       TEXT NOT NULL,
                message_id TEXT NOT NULL,
                created_at TEXT NOT NULL
            );
            CREATE INDEX ix_notifications_outbox_user ON notifications_outbox (user_id);
            """),
        // Who was forgotten: CustomerForgotten may overtake a sign-up's or an order's event on the bus, and a mail
        // written after it must not bring the address or the name back.
        new("remember forgotten customers", _ => """
            CREATE TABLE notifications_forgotten (
                user_id      TEXT PRIMARY KEY,
                forgotten_at TEXT NOT NULL
            );
            """),
    ];

    /// <summary>
    /// Subscribes the mails to sign-ups and order outcomes, and the erasure to <see cref="CustomerForgotten"/>. Needs
    /// <c>AddShopMessaging</c>, and an <see cref="IIdentityApi"/>: Identity's module in process, or
    /// <c>RemoteIdentityModule</c> where this module runs alone (<c>shop/Shop.Notifications.Host</c>).
    /// </summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddShopSubscription(SubscriptionName, s => s
            .On<UserRegistered, WelcomeEmailHandler>(UserRegistered.Topic)
            .On<OrderConfirmed, OrderConfirmationHandler>(OrderConfirmed.Topic)
            .On<OrderRejected, OrderRejectionHandler>(OrderRejected.Topic)
            .On<CustomerForgotten, ForgetRecipientHandler>(CustomerForgotten.Topic));

    /// <summary>Maps <c>GET /api/notifications?userId=</c>.</summary>
    public static void MapEndpoints(IEndpointRouteBuilder endpoints) => NotificationsEndpoints.Map(endpoints);
}
