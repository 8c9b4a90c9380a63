namespace Bulwark.Outbox;

/// <summary>
/// One event stored in the outbox: written in the business transaction, published later by the relay.
/// See <c>docs/data-consistency.md</c>.
/// </summary>
public sealed record OutboxMessage
{
    /// <summary>The store-assigned, strictly increasing position; publish order within a partition key follows it.</summary>
    public long Position { get; init; }

    /// <summary>The message's unique id, kept across redeliveries so consumers can dedupe (inbox).</summary>
    public required Guid MessageId { get; init; }

    /// <summary>Where the message goes (a topic, exchange or event name).</summary>
    public required string Topic { get; init; }

    /// <summary>Messages with the same key are published in <see cref="Position"/> order, one relay at a time.</summary>
    public required string PartitionKey { get; init; }

    /// <summary>The MIME type of <see cref="Payload"/>.</summary>
    public required string ContentType { get; init; }

    /// <summary>The serialized event.</summary>
    public required ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>Transport headers (correlation id, trace parent, ...).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>When the message was written; the relay's lag is measured from it.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}
