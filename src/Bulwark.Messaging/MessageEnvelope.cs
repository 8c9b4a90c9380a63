namespace Bulwark.Messaging;

/// <summary>
/// A message as it travels: the serialized body plus the metadata every hop needs (identity, causality,
/// W3C trace context, deadline, attempt). Transports carry it unchanged; see <c>docs/messaging.md</c>.
/// </summary>
public sealed record MessageEnvelope
{
    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();

    /// <summary>The stable identity of the message; kept across retries and redrives so consumers can deduplicate.</summary>
    public required string MessageId { get; init; }

    /// <summary>The registered type name of the body (see <see cref="Serialization.MessageTypeRegistry"/>).</summary>
    public required string MessageType { get; init; }

    /// <summary>The id shared by every message of one business conversation.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The id of the message that caused this one.</summary>
    public string? CausationId { get; init; }

    /// <summary>The W3C <c>traceparent</c> of the producer's span.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The W3C <c>tracestate</c> of the producer's span.</summary>
    public string? TraceState { get; init; }

    /// <summary>After this instant the message is useless; a consumer dead-letters it instead of handling it.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>The 1-based number of the current delivery attempt, set by the transport.</summary>
    public int Attempt { get; init; }

    /// <summary>When the message was first created.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The media type of <see cref="Body"/>.</summary>
    public string ContentType { get; init; } = "application/json";

    /// <summary>Application and routing headers (small strings; the claim check keeps its reference here).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = NoHeaders;

    /// <summary>The serialized message, or an empty body when the payload travels by claim check.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>Returns a copy with one header set.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The header value.</param>
    /// <returns>The new envelope.</returns>
    public MessageEnvelope WithHeader(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        var headers = new Dictionary<string, string>(Headers, StringComparer.Ordinal) { [name] = value };
        return this with { Headers = headers };
    }
}
