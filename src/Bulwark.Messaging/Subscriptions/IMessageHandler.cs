namespace Bulwark.Messaging.Subscriptions;

/// <summary>Handles one message type; resolved per delivery from a DI scope. Must be idempotent (delivery is at least once).</summary>
/// <typeparam name="TMessage">The message type.</typeparam>
public interface IMessageHandler<in TMessage>
{
    /// <summary>Handles the message; throw to retry, throw <see cref="PermanentMessageException"/> to dead-letter at once.</summary>
    /// <param name="message">The message.</param>
    /// <param name="context">The delivery.</param>
    /// <param name="cancellationToken">Cancelled when the consumer stops.</param>
    /// <returns>A task that completes when handled.</returns>
    Task HandleAsync(TMessage message, MessageContext context, CancellationToken cancellationToken);
}
