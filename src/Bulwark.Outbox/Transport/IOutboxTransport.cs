namespace Bulwark.Outbox;

/// <summary>
/// Where the relay publishes. Deliberately one method so a message bus (RabbitMQ, the embedded transport of
/// Bulwark.Messaging, ...) can be adapted in a few lines. Throwing means "not accepted": the message is retried later.
/// </summary>
public interface IOutboxTransport
{
    /// <summary>Publishes one message; returns only once the transport has accepted it (broker confirm).</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the publish.</param>
    /// <returns>A task that completes on acceptance.</returns>
    Task PublishAsync(OutboxMessage message, CancellationToken cancellationToken);
}

/// <summary>Receives messages from the <see cref="InProcessOutboxTransport"/>.</summary>
public interface IOutboxSubscriber
{
    /// <summary>Handles one message; throwing makes the relay retry it (at least once).</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the handling.</param>
    /// <returns>A task that completes when handled.</returns>
    Task HandleAsync(OutboxMessage message, CancellationToken cancellationToken);
}
