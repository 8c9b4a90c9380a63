using Bulwark.Messaging;
using Bulwark.Outbox;

namespace Shop.Infrastructure.Messaging;

/// <summary>
/// Lets the outbox relay publish through the message bus. The outbox row's id becomes the envelope's message id,
/// so a row relayed twice (the relay is at least once) reaches consumers as the same message and their inbox skips
/// it. The wire type name is the topic: shop contracts are registered under their topic (<see cref="ShopMessaging.AddShopContract{T}"/>).
/// </summary>
public sealed class BusOutboxTransport(IMessagePublisher publisher, TimeProvider timeProvider) : IOutboxTransport
{
    /// <summary>The outbox header that overrides the wire type name (when one topic carries several types).</summary>
    public const string MessageTypeHeader = "message-type";

    /// <inheritdoc />
    public Task PublishAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var envelope = new MessageEnvelope
        {
            MessageId = message.MessageId.ToString(),
            MessageType = message.Headers.TryGetValue(MessageTypeHeader, out var type) ? type : message.Topic,
            CorrelationId = message.Headers.GetValueOrDefault("correlation-id"),
            TraceParent = message.Headers.GetValueOrDefault("traceparent"),
            Timestamp = timeProvider.GetUtcNow(),
            ContentType = message.ContentType,
            Headers = new Dictionary<string, string>(message.Headers, StringComparer.Ordinal),
            Body = message.Payload,
        };
        return publisher.PublishAsync(MessageDestination.Topic(message.Topic), envelope, cancellationToken);
    }
}
