namespace Bulwark.Messaging;

/// <summary>
/// The smallest publishing port: hand a ready envelope to the transport. An outbox relay stores envelopes
/// and calls this; the bus applies the claim check and trace context on the way out.
/// </summary>
public interface IMessagePublisher
{
    /// <summary>Publishes to a topic or sends to a queue, returning once the transport has durably accepted it.</summary>
    /// <param name="destination">The topic or queue.</param>
    /// <param name="envelope">The message.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the transport confirmed the message.</returns>
    Task PublishAsync(MessageDestination destination, MessageEnvelope envelope, CancellationToken cancellationToken = default);
}
