using System.Data.Common;
using System.Globalization;
using Bulwark.Idempotency;
using Bulwark.Messaging.Subscriptions;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Messaging;
using Shop.Orders.Contracts;

namespace Shop.Rewards.OrderProgress;

/// <summary>
/// The points a customer sees per order (<c>rewards_orders</c>): pending while the order is placed, earned once it is
/// confirmed, void once it is rejected. Unlike the ledger's credits, a status is overwritten, so message order matters:
/// the bus may hand over the outcome before the placed event (another topic, a retry, a redelivery). Each event
/// carries its position in the order's lifecycle, and <see cref="ISequenceGuard"/> applies it only when it is newer
/// than what this consumer applied, in the inbox's transaction: a late "placed" never turns a rejected order's void
/// points back into pending ones, and a confirmed order stays earned.
/// </summary>
internal static class OrderProgressView
{
    public const string Pending = "Pending";
    public const string Earned = "Earned";
    public const string Void = "Void";

    public static async Task ApplyAsync(
        DbTransaction tx, ISequenceGuard sequences, Guid orderId, Guid customerId, long sequence, string status, long points, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!await sequences.TryAdvanceAsync(tx.Connection!, tx, RewardsModule.SubscriptionName, orderId.ToString(), sequence, cancellationToken))
        {
            return;
        }

        await tx.ExecuteAsync(
            """
            INSERT INTO rewards_orders (order_id, user_id, status, points, updated_at) VALUES (@o, @u, @s, @p, @t)
            ON CONFLICT (order_id) DO UPDATE SET status = excluded.status, points = excluded.points, updated_at = excluded.updated_at;
            """,
            cancellationToken,
            ("o", orderId.ToString()), ("u", customerId.ToString()), ("s", status), ("p", points),
            ("t", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)));
    }

    /// <summary>One point per whole currency unit, as the ledger credits it.</summary>
    public static long PointsFor(long totalCents) => totalCents / 100;
}

/// <summary>A placed order's points, shown as pending until its outcome arrives (or kept as they are if it already did).</summary>
internal sealed class OrderPlacedProgressHandler(ModuleDatabase<RewardsModule> db, IInbox inbox, ISequenceGuard sequences, TimeProvider time) : IMessageHandler<OrderPlaced>
{
    public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken) =>
        db.HandleOnceAsync(inbox, RewardsModule.SubscriptionName, context,
            tx => OrderProgressView.ApplyAsync(tx, sequences, message.OrderId, message.CustomerId, message.Sequence, OrderProgressView.Pending,
                OrderProgressView.PointsFor(message.TotalCents), time, cancellationToken),
            cancellationToken);
}

/// <summary>A rejected order's points are void: nothing was earned.</summary>
internal sealed class OrderRejectedProgressHandler(ModuleDatabase<RewardsModule> db, IInbox inbox, ISequenceGuard sequences, TimeProvider time) : IMessageHandler<OrderRejected>
{
    public Task HandleAsync(OrderRejected message, MessageContext context, CancellationToken cancellationToken) =>
        db.HandleOnceAsync(inbox, RewardsModule.SubscriptionName, context,
            tx => OrderProgressView.ApplyAsync(tx, sequences, message.OrderId, message.CustomerId, message.Sequence, OrderProgressView.Void, 0, time, cancellationToken),
            cancellationToken);
}
