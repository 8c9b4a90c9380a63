using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shop.Identity.Contracts;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Messaging;
using Shop.Infrastructure.Modules;
using Shop.Orders.Contracts;
using Shop.Rewards.Api;
using Shop.Rewards.Handlers;
using Shop.Rewards.OrderProgress;

namespace Shop.Rewards;

/// <summary>The Rewards module: welcome points and points per confirmed order, driven only by integration events.</summary>
public sealed class RewardsModule : IShopModule
{
    /// <summary>The module's name, also the prefix of its tables, its subscription (own durable queue) and inbox consumer.</summary>
    public const string SubscriptionName = "rewards";

    private RewardsModule()
    {
    }

    /// <inheritdoc />
    public static string Name => SubscriptionName;

    /// <inheritdoc />
    public static IReadOnlyList<ModuleMigration> Migrations { get; } =
    [
        new("create ledger", t => $"""
            CREATE TABLE rewards_ledger (
                id          {t.IdentityKey},
                user_id     TEXT NOT NULL,
                reason      TEXT NOT NULL,
                points      {t.BigNumber} NOT NULL,
                message_id  TEXT NOT NULL,
                credited_at TEXT NOT NULL
            );
            CREATE INDEX ix_rewards_ledger_user ON rewards_ledger (user_id);
            """),
        new("create order progress", t => $"""
            CREATE TABLE rewards_orders (
                order_id   TEXT PRIMARY KEY,
                user_id    TEXT NOT NULL,
                status     TEXT NOT NULL CHECK (status IN ('Pending', 'Earned', 'Void')),
                points     {t.BigNumber} NOT NULL,
                updated_at TEXT NOT NULL
            );
            CREATE INDEX ix_rewards_orders_user ON rewards_orders (user_id);
            """),
    ];

    /// <summary>
    /// Subscribes the ledger to sign-ups and confirmed orders, and each order's points (pending, earned, void) to the
    /// order's lifecycle events. Needs <c>AddShopMessaging</c>.
    /// </summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddShopSubscription(SubscriptionName, s => s
            .On<UserRegistered, WelcomePointsHandler>(UserRegistered.Topic)
            .On<OrderPlaced, OrderPlacedProgressHandler>(OrderPlaced.Topic)
            .On<OrderConfirmed, OrderPointsHandler>(OrderConfirmed.Topic)
            .On<OrderRejected, OrderRejectedProgressHandler>(OrderRejected.Topic));

    /// <summary>Maps <c>GET /api/rewards/{userId}</c> and <c>GET /api/rewards/{userId}/orders</c>.</summary>
    public static void MapEndpoints(IEndpointRouteBuilder endpoints) => RewardsEndpoints.Map(endpoints);
}
