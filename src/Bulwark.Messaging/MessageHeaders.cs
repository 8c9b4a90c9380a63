namespace Bulwark.Messaging;

/// <summary>Names of the headers Bulwark itself reads and writes.</summary>
public static class MessageHeaders
{
    /// <summary>The blob-store key of a payload that travels by claim check.</summary>
    public const string ClaimCheckKey = "bulwark-claim-check-key";

    /// <summary>The lowercase hex SHA-256 of the claim-checked payload.</summary>
    public const string ClaimCheckSha256 = "bulwark-claim-check-sha256";

    /// <summary>The length in bytes of the claim-checked payload.</summary>
    public const string ClaimCheckLength = "bulwark-claim-check-length";

    /// <summary>How many times the message was redriven from the dead-letter queue.</summary>
    public const string RedriveCount = "bulwark-redrive-count";

    /// <summary>
    /// The W3C <c>baggage</c> header: the producer's baggage, among it <see cref="CorrelationBaggage"/>. The trace
    /// context itself travels in <see cref="MessageEnvelope.TraceParent"/> and <see cref="MessageEnvelope.TraceState"/>.
    /// </summary>
    public const string Baggage = "baggage";

    /// <summary>
    /// The activity baggage item holding the correlation id: the id of one business conversation, kept when a flow
    /// leaves its trace (a retry much later, a saga resumed by the sweeper). Set by the HTTP edge from
    /// <c>X-Correlation-Id</c>, carried in <see cref="MessageEnvelope.CorrelationId"/>, written on every log line as
    /// <c>correlation_id</c>. See docs/observability.md.
    /// </summary>
    public const string CorrelationBaggage = "bulwark.correlation_id";
}
