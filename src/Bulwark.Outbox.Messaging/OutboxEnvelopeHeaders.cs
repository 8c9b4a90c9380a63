using System.Globalization;

namespace Bulwark.Outbox.Messaging;

/// <summary>
/// The envelope fields an outbox row carries to the bus, as a typed object: write it with <see cref="ToHeaders"/>
/// into <see cref="OutboxEnqueueOptions.Headers"/>; <see cref="BusOutboxTransport"/> reads it back with
/// <see cref="Read"/>. Header names are in <see cref="Names"/>, so no one spells them by hand.
/// </summary>
public sealed record OutboxEnvelopeHeaders
{
    /// <summary>The wire type name, when it differs from the row's topic (one topic carrying several types).</summary>
    public string? MessageType { get; init; }

    /// <summary>The id shared by every message of one business conversation.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The id of the message that caused this one.</summary>
    public string? CausationId { get; init; }

    /// <summary>The W3C <c>traceparent</c> of the span that wrote the row.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The W3C <c>tracestate</c> of the span that wrote the row.</summary>
    public string? TraceState { get; init; }

    /// <summary>After this instant consumers dead-letter the message instead of handling it.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>Returns the set fields as outbox headers, merged over <paramref name="others"/> (application headers).</summary>
    /// <param name="others">Headers that travel unchanged, e.g. routing metadata; the typed fields win on a clash.</param>
    /// <returns>The headers to store with the outbox row.</returns>
    public IReadOnlyDictionary<string, string> ToHeaders(IReadOnlyDictionary<string, string>? others = null)
    {
        var headers = others is null
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : new Dictionary<string, string>(others, StringComparer.Ordinal);
        Set(headers, Names.MessageType, MessageType);
        Set(headers, Names.CorrelationId, CorrelationId);
        Set(headers, Names.CausationId, CausationId);
        Set(headers, Names.TraceParent, TraceParent);
        Set(headers, Names.TraceState, TraceState);
        Set(headers, Names.Deadline, Deadline?.ToString("O", CultureInfo.InvariantCulture));
        return headers;
    }

    /// <summary>Reads the typed fields from an outbox row's headers; absent headers stay <see langword="null"/>.</summary>
    /// <param name="headers">The row's headers.</param>
    /// <returns>The typed fields.</returns>
    public static OutboxEnvelopeHeaders Read(IReadOnlyDictionary<string, string> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return new OutboxEnvelopeHeaders
        {
            MessageType = headers.GetValueOrDefault(Names.MessageType),
            CorrelationId = headers.GetValueOrDefault(Names.CorrelationId),
            CausationId = headers.GetValueOrDefault(Names.CausationId),
            TraceParent = headers.GetValueOrDefault(Names.TraceParent),
            TraceState = headers.GetValueOrDefault(Names.TraceState),
            Deadline = ParseDeadline(headers.GetValueOrDefault(Names.Deadline)),
        };
    }

    /// <summary>Whether <paramref name="name"/> is one of the typed headers, which travel as envelope fields instead.</summary>
    /// <param name="name">A header name.</param>
    /// <returns><see langword="true"/> for a name in <see cref="Names"/>.</returns>
    public static bool IsTyped(string name) => name is Names.MessageType or Names.CorrelationId or Names.CausationId
        or Names.TraceParent or Names.TraceState or Names.Deadline;

    // A deadline that does not parse is not dropped silently: it stays a plain header (IsTyped is about the name, so
    // the transport keeps it only when unparsed) and the message is relayed without one rather than blocking the row.
    internal static DateTimeOffset? ParseDeadline(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var deadline) ? deadline : null;

    private static void Set(Dictionary<string, string> headers, string name, string? value)
    {
        if (value is not null)
        {
            headers[name] = value;
        }
    }

    /// <summary>The header names of the typed fields. The trace headers keep their W3C names.</summary>
    public static class Names
    {
        /// <summary>Header of <see cref="OutboxEnvelopeHeaders.MessageType"/>.</summary>
        public const string MessageType = "bulwark-message-type";

        /// <summary>Header of <see cref="OutboxEnvelopeHeaders.CorrelationId"/>.</summary>
        public const string CorrelationId = "bulwark-correlation-id";

        /// <summary>Header of <see cref="OutboxEnvelopeHeaders.CausationId"/>.</summary>
        public const string CausationId = "bulwark-causation-id";

        /// <summary>Header of <see cref="OutboxEnvelopeHeaders.TraceParent"/> (W3C trace context).</summary>
        public const string TraceParent = "traceparent";

        /// <summary>Header of <see cref="OutboxEnvelopeHeaders.TraceState"/> (W3C trace context).</summary>
        public const string TraceState = "tracestate";

        /// <summary>Header of <see cref="OutboxEnvelopeHeaders.Deadline"/>, as an ISO 8601 round-trip timestamp.</summary>
        public const string Deadline = "bulwark-deadline";
    }
}
