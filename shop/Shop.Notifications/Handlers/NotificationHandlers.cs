using System.Globalization;
using Bulwark.Idempotency;
using Bulwark.Messaging.Subscriptions;
using Microsoft.Data.Sqlite;
using Shop.Identity.Contracts;
using Shop.Infrastructure.Messaging;
using Shop.Notifications.Data;
using Shop.Orders.Contracts;

namespace Shop.Notifications.Handlers;

/// <summary>Welcome e-mail on sign-up; remembers the address for later mail (event-carried state, no call to Identity).</summary>
internal sealed class WelcomeEmailHandler(NotificationsDatabase db, IInbox inbox, TimeProvider time) : IMessageHandler<UserRegistered>
{
    public Task HandleAsync(UserRegistered message, MessageContext context, CancellationToken cancellationToken) =>
        db.Database.HandleOnceAsync(inbox, NotificationsModule.SubscriptionName, context, async (_, tx) =>
        {
            await tx.ExecuteAsync(
                "INSERT INTO notifications_recipients (user_id, email, display_name) VALUES ($u, $e, $n) ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, display_name = excluded.display_name;",
                cancellationToken, ("$u", message.UserId.ToString()), ("$e", message.Email), ("$n", message.DisplayName));
            await Mail.WriteAsync(tx, message.UserId, "welcome", message.Email, "Welcome to the Bulwark shop",
                $"Hello {message.DisplayName}, thanks for signing up.", context, time, cancellationToken);
        }, cancellationToken);
}

/// <summary>Order confirmation, to the address learned from <c>UserRegistered</c> (none yet: written without one).</summary>
internal sealed class OrderConfirmationHandler(NotificationsDatabase db, IInbox inbox, TimeProvider time) : IMessageHandler<OrderPlaced>
{
    public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken) =>
        db.Database.HandleOnceAsync(inbox, NotificationsModule.SubscriptionName, context, async (connection, tx) =>
        {
            await using var query = connection.CreateCommand();
            query.Transaction = tx;
            query.CommandText = "SELECT email FROM notifications_recipients WHERE user_id = $u;";
            query.Parameters.AddWithValue("$u", message.CustomerId.ToString());
            var email = await query.ExecuteScalarAsync(cancellationToken) as string;
            var total = (message.TotalCents / 100m).ToString("0.00", CultureInfo.InvariantCulture);
            await Mail.WriteAsync(tx, message.CustomerId, "order-confirmation", email, $"Order {message.OrderId} confirmed",
                $"We received your order of {message.Lines.Count} line(s), total {total} {message.Currency}.", context, time, cancellationToken);
        }, cancellationToken);
}

internal static class Mail
{
    public static Task WriteAsync(SqliteTransaction tx, Guid userId, string kind, string? recipient, string subject, string body, MessageContext context, TimeProvider time, CancellationToken cancellationToken) =>
        tx.ExecuteAsync(
            "INSERT INTO notifications_outbox (user_id, kind, recipient, subject, body, message_id, created_at) VALUES ($u, $k, $r, $s, $b, $m, $t);",
            cancellationToken,
            ("$u", userId.ToString()), ("$k", kind), ("$r", recipient), ("$s", subject), ("$b", body),
            ("$m", context.Envelope.MessageId), ("$t", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)));
}
