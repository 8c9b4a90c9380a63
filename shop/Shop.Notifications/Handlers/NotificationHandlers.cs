using System.Globalization;
using Bulwark.Data;
using Bulwark.Idempotency;
using Bulwark.Messaging.Subscriptions;
using System.Data.Common;
using Microsoft.Extensions.Logging;
using Shop.Identity.Contracts;
using Shop.Infrastructure.Messaging;
using Shop.Orders.Contracts;
using Shop.Infrastructure.Data;

namespace Shop.Notifications.Handlers;

/// <summary>Welcome e-mail on sign-up; remembers the address for later mail (event-carried state, no call to Identity).</summary>
internal sealed class WelcomeEmailHandler(ModuleDatabase<NotificationsModule> db, IInbox inbox, TimeProvider time) : IMessageHandler<UserRegistered>
{
    public Task HandleAsync(UserRegistered message, MessageContext context, CancellationToken cancellationToken) =>
        db.HandleOnceAsync(inbox, NotificationsModule.SubscriptionName, context, async tx =>
        {
            if (!await Mail.IsForgottenAsync(tx, message.UserId, cancellationToken))
            {
                await tx.ExecuteAsync(
                    "INSERT INTO notifications_recipients (user_id, email, display_name) VALUES (@u, @e, @n) ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, display_name = excluded.display_name;",
                    cancellationToken, ("u", message.UserId.ToString()), ("e", message.Email), ("n", message.DisplayName));
            }

            await Mail.WriteAsync(tx, message.UserId, "welcome", message.Email, "Welcome to the Bulwark shop",
                $"Hello {message.DisplayName}, thanks for signing up.", context, time, cancellationToken);
        }, cancellationToken);
}

/// <summary>
/// Order confirmation, only once the order is confirmed (never on <see cref="OrderPlaced"/>: that order may still be
/// rejected). The address comes from Identity's public contract, asked before the write transaction opens.
/// </summary>
internal sealed class OrderConfirmationHandler(ModuleDatabase<NotificationsModule> db, IInbox inbox, IIdentityApi identity, TimeProvider time, ILogger<OrderConfirmationHandler> logger) : IMessageHandler<OrderConfirmed>
{
    public async Task HandleAsync(OrderConfirmed message, MessageContext context, CancellationToken cancellationToken)
    {
        if (await OrderMail.RecipientAsync(identity, message.CustomerId, message.OrderId, logger, cancellationToken) is not { } customer)
        {
            return;
        }

        var total = (message.TotalCents / 100m).ToString("0.00", CultureInfo.InvariantCulture);
        await db.HandleOnceAsync(inbox, NotificationsModule.SubscriptionName, context, tx =>
            Mail.WriteAsync(tx, message.CustomerId, "order-confirmation", customer.Email, $"Order {message.OrderId} confirmed",
                $"Hello {customer.DisplayName}, your order is confirmed: total {total} {message.Currency}.", context, time, cancellationToken), cancellationToken);
    }
}

/// <summary>A rejected order's mail: it says the order was not accepted and why, to the customer's address.</summary>
internal sealed class OrderRejectionHandler(ModuleDatabase<NotificationsModule> db, IInbox inbox, IIdentityApi identity, TimeProvider time, ILogger<OrderRejectionHandler> logger) : IMessageHandler<OrderRejected>
{
    public async Task HandleAsync(OrderRejected message, MessageContext context, CancellationToken cancellationToken)
    {
        if (await OrderMail.RecipientAsync(identity, message.CustomerId, message.OrderId, logger, cancellationToken) is not { } customer)
        {
            return;
        }

        await db.HandleOnceAsync(inbox, NotificationsModule.SubscriptionName, context, tx =>
            Mail.WriteAsync(tx, message.CustomerId, "order-rejection", customer.Email, $"Order {message.OrderId} could not be accepted",
                $"Hello {customer.DisplayName}, we could not accept your order: {message.Reason}. Nothing was charged, or the charge was refunded.", context, time, cancellationToken), cancellationToken);
    }
}

internal static partial class OrderMail
{
    // A customer id Identity does not know (orders placed without an account) has no address: no mail is written,
    // rather than one with no recipient.
    public static async Task<UserDto?> RecipientAsync(IIdentityApi identity, Guid customerId, Guid orderId, ILogger logger, CancellationToken cancellationToken)
    {
        var customer = await identity.FindUserAsync(customerId, cancellationToken);
        if (customer is null)
        {
            LogNoRecipient(logger, orderId, customerId);
        }

        return customer;
    }

    [LoggerMessage(EventId = 4600, Level = LogLevel.Warning, Message = "No mail for order {OrderId}: customer {CustomerId} is not a registered user")]
    private static partial void LogNoRecipient(ILogger logger, Guid orderId, Guid customerId);
}

internal static class Mail
{
    internal const string ErasedBody = "(erased: the customer was forgotten)";

    // A mail for a customer already forgotten (its event overtaken on the bus by CustomerForgotten) is still recorded,
    // as the erasure leaves the others: kind and subject, no address, no body.
    public static async Task WriteAsync(DbTransaction tx, Guid userId, string kind, string? recipient, string subject, string body, MessageContext context, TimeProvider time, CancellationToken cancellationToken)
    {
        var forgotten = await IsForgottenAsync(tx, userId, cancellationToken);
        await tx.ExecuteAsync(
            "INSERT INTO notifications_outbox (user_id, kind, recipient, subject, body, message_id, created_at) VALUES (@u, @k, @r, @s, @b, @m, @t);",
            cancellationToken,
            ("u", userId.ToString()), ("k", kind), ("r", forgotten ? null : recipient), ("s", subject), ("b", forgotten ? ErasedBody : body),
            ("m", context.Envelope.MessageId), ("t", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)));
    }

    public static async Task<bool> IsForgottenAsync(DbTransaction tx, Guid userId, CancellationToken cancellationToken)
    {
        await using var query = tx.Connection!.CreateCommand("SELECT 1 FROM notifications_forgotten WHERE user_id = @u;", tx).With("u", userId.ToString());
        return await query.ExecuteScalarAsync(cancellationToken) is not null;
    }
}

/// <summary>
/// A forgotten customer (GDPR erasure) is forgotten here too: the remembered address and name go, and the mail already
/// written keeps its kind, subject and time but loses its recipient and its body (which greets the customer by name).
/// The customer is remembered as forgotten, so a mail whose event arrives later is written without them either. Once
/// per message through the inbox.
/// </summary>
internal sealed partial class ForgetRecipientHandler(ModuleDatabase<NotificationsModule> db, IInbox inbox, TimeProvider time, ILogger<ForgetRecipientHandler> logger) : IMessageHandler<CustomerForgotten>
{
    public async Task HandleAsync(CustomerForgotten message, MessageContext context, CancellationToken cancellationToken)
    {
        var mails = 0;
        var handled = await db.HandleOnceAsync(inbox, NotificationsModule.SubscriptionName, context, async tx =>
        {
            var user = message.CustomerId.ToString();
            await tx.ExecuteAsync("INSERT INTO notifications_forgotten (user_id, forgotten_at) VALUES (@u, @t) ON CONFLICT (user_id) DO NOTHING;",
                cancellationToken, ("u", user), ("t", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)));
            await tx.ExecuteAsync("DELETE FROM notifications_recipients WHERE user_id = @u;", cancellationToken, ("u", user));
            mails = await tx.ExecuteAsync("UPDATE notifications_outbox SET recipient = NULL, body = @b WHERE user_id = @u;", cancellationToken, ("u", user), ("b", Mail.ErasedBody));
        }, cancellationToken);
        if (handled)
        {
            LogForgotten(logger, message.CustomerId, mails);
        }
    }

    [LoggerMessage(EventId = 4601, Level = LogLevel.Warning, Message = "Customer {CustomerId} forgotten: their address erased and {Mails} mail(s) scrubbed")]
    private static partial void LogForgotten(ILogger logger, Guid customerId, int mails);
}
