using System.Globalization;
using Bulwark.Idempotency;
using Bulwark.Messaging.Subscriptions;
using System.Data.Common;
using Shop.Identity.Contracts;
using Shop.Infrastructure.Messaging;
using Shop.Orders.Contracts;
using Shop.Infrastructure.Data;
using Shop.Rewards.OrderProgress;

namespace Shop.Rewards.Handlers;

/// <summary>Welcome points, once per sign-up (the inbox makes a redelivered event a no-op).</summary>
internal sealed class WelcomePointsHandler(ModuleDatabase<RewardsModule> db, IInbox inbox, TimeProvider time) : IMessageHandler<UserRegistered>
{
    public const long WelcomePoints = 100;

    public Task HandleAsync(UserRegistered message, MessageContext context, CancellationToken cancellationToken) =>
        db.HandleOnceAsync(inbox, RewardsModule.SubscriptionName, context,
            tx => Ledger.CreditAsync(tx, message.UserId, "welcome", WelcomePoints, context, time, cancellationToken), cancellationToken);
}

/// <summary>
/// One point per whole currency unit of a confirmed order (a placed order may still be rejected), and the order's
/// points shown as earned. The credit is added whatever the order of arrival (credits commute); the status is not.
/// </summary>
internal sealed class OrderPointsHandler(ModuleDatabase<RewardsModule> db, IInbox inbox, ISequenceGuard sequences, TimeProvider time) : IMessageHandler<OrderConfirmed>
{
    public Task HandleAsync(OrderConfirmed message, MessageContext context, CancellationToken cancellationToken) =>
        db.HandleOnceAsync(inbox, RewardsModule.SubscriptionName, context,
            async tx =>
            {
                var points = OrderProgressView.PointsFor(message.TotalCents);
                await Ledger.CreditAsync(tx, message.CustomerId, $"order {message.OrderId}", points, context, time, cancellationToken);
                await OrderProgressView.ApplyAsync(tx, sequences, message.OrderId, message.CustomerId, message.Sequence, OrderProgressView.Earned, points, time, cancellationToken);
            },
            cancellationToken);
}

internal static class Ledger
{
    public static Task CreditAsync(DbTransaction tx, Guid userId, string reason, long points, MessageContext context, TimeProvider time, CancellationToken cancellationToken) =>
        tx.ExecuteAsync(
            "INSERT INTO rewards_ledger (user_id, reason, points, message_id, credited_at) VALUES (@u, @r, @p, @m, @t);",
            cancellationToken,
            ("u", userId.ToString()), ("r", reason), ("p", points), ("m", context.Envelope.MessageId),
            ("t", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)));
}
