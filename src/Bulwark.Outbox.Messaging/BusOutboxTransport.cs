using Bulwark.Messaging;

namespace Bulwark.Outbox.Messaging;

/// <summary>
/// Lets the outbox relay publish through the message bus, to the topic of each row. The row's id becomes the
/// envelope's message id, so a row relayed twice (the relay is at least once) reaches consumers as the same message
/// and their inbox skips it. The wire type name is the topic unless <see cref="OutboxEnvelopeHeaders.MessageType"/>
/// is set; the other <see cref="OutboxEnvelopeHeaders"/> become envelope fields and every other header travels as is.
/// </summary>
public sealed class BusOutboxTransport : IOutboxTransport
{
    private readonly IMessagePublisher _publisher;

    /// <summary>Creates the transport.</summary>
    /// <param name="publisher">The bus's publishing port.</param>
    public BusOutboxTransport(IMessagePublisher publisher)
    {
        _publisher = publisher ?? throw new ArgumentNullException(nameof(publisher));
    }

    /// <inheritdoc />
    public Task PublishAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _publisher.PublishAsync(MessageDestination.Topic(message.Topic), ToEnvelope(message), cancellationToken);
    }

    /// <summary>The envelope a row is published as.</summary>
    /// <param name="message">The outbox row.</param>
    /// <returns>The envelope.</returns>
    public static MessageEnvelope ToEnvelope(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var typed = OutboxEnvelopeHeaders.Read(message.Headers);
        var others = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in message.Headers)
        {
            var unparsedDeadline = name == OutboxEnvelopeHeaders.Names.Deadline && typed.Deadline is null;
            if (!OutboxEnvelopeHeaders.IsTyped(name) || unparsedDeadline)
            {
                others[name] = value;
            }
        }

        return new MessageEnvelope
        {
            MessageId = message.MessageId.ToString(),
            MessageType = typed.MessageType ?? message.Topic,
            CorrelationId = typed.CorrelationId,
            CausationId = typed.CausationId,
            TraceParent = typed.TraceParent,
            TraceState = typed.TraceState,
            Deadline = typed.Deadline,
            // When the event happened (the business write), not when the relay got to it.
            Timestamp = message.CreatedAt,
            ContentType = message.ContentType,
            Headers = others,
            Body = message.Payload,
        };
    }
}
