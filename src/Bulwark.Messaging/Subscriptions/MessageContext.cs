namespace Bulwark.Messaging.Subscriptions;

/// <summary>What a handler knows about the delivery it handles.</summary>
public sealed class MessageContext
{
    internal MessageContext(MessageEnvelope envelope, string queue, IServiceProvider services)
    {
        Envelope = envelope;
        Queue = queue;
        Services = services;
    }

    /// <summary>The envelope (id, correlation, attempt, headers, ...).</summary>
    public MessageEnvelope Envelope { get; }

    /// <summary>The queue (subscription) it was delivered from.</summary>
    public string Queue { get; }

    /// <summary>The scoped services of this delivery.</summary>
    public IServiceProvider Services { get; }

    /// <summary>Options for a message this one causes: same correlation id, causation id = this message's id.</summary>
    /// <returns>The options.</returns>
    public MessageOptions Caused() => new() { CorrelationId = Envelope.CorrelationId ?? Envelope.MessageId, CausationId = Envelope.MessageId };
}
