using Bulwark.Messaging.Subscriptions;

namespace Bulwark.Messaging;

/// <summary>
/// The bus: publish typed messages to topics (fan-out), send them to queues (competing consumers) and subscribe.
/// Publishers never know their subscribers. See <c>docs/messaging.md</c>.
/// </summary>
public interface IMessageBus : IMessagePublisher
{
    /// <summary>Publishes to the message type's registered topic.</summary>
    /// <typeparam name="TMessage">A registered message type.</typeparam>
    /// <param name="message">The message.</param>
    /// <param name="options">Ids, deadline and headers.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The envelope that was published.</returns>
    Task<MessageEnvelope> PublishAsync<TMessage>(TMessage message, MessageOptions? options = null, CancellationToken cancellationToken = default)
        where TMessage : notnull;

    /// <summary>Sends to one queue.</summary>
    /// <typeparam name="TMessage">A registered message type.</typeparam>
    /// <param name="queue">The queue.</param>
    /// <param name="message">The message.</param>
    /// <param name="options">Ids, deadline and headers.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The envelope that was sent.</returns>
    Task<MessageEnvelope> SendAsync<TMessage>(string queue, TMessage message, MessageOptions? options = null, CancellationToken cancellationToken = default)
        where TMessage : notnull;

    /// <summary>Serializes a message into an envelope without sending it (an outbox stores it and publishes later).</summary>
    /// <param name="message">A message of a registered type.</param>
    /// <param name="options">Ids, deadline and headers.</param>
    /// <returns>The envelope, stamped with the current trace context.</returns>
    MessageEnvelope CreateEnvelope(object message, MessageOptions? options = null);

    /// <summary>Starts consuming a subscription in this process; several calls with the same name compete.</summary>
    /// <param name="subscription">The subscription.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running consumer; dispose it to stop.</returns>
    Task<IAsyncDisposable> SubscribeAsync(SubscriptionDefinition subscription, CancellationToken cancellationToken = default);
}
