using System.Globalization;
using System.Text;
using Bulwark.Messaging;
using RabbitMQ.Client;

namespace Bulwark.RabbitMQ.Messaging;

/// <summary>Maps envelopes to AMQP properties and headers (the body stays the raw payload, so broker tools can read it).</summary>
internal static class AmqpEnvelope
{
    public const string CausationId = "bulwark-causation-id";
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";
    public const string Deadline = "bulwark-deadline";
    public const string Timestamp = "bulwark-timestamp";
    public const string FailedAttempts = "bulwark-attempt";
    public const string DlqId = "bulwark-dlq-id";
    public const string DlqSource = "bulwark-dlq-source";
    public const string DlqReason = "bulwark-dlq-reason";
    public const string DlqExceptionType = "bulwark-dlq-exception-type";
    public const string DlqStackTrace = "bulwark-dlq-stack-trace";
    public const string DlqAttempts = "bulwark-dlq-attempts";
    public const string DlqPermanent = "bulwark-dlq-permanent";
    public const string DlqAt = "bulwark-dlq-at";

    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        CausationId, TraceParent, TraceState, Deadline, Timestamp, FailedAttempts,
        DlqId, DlqSource, DlqReason, DlqExceptionType, DlqStackTrace, DlqAttempts, DlqPermanent, DlqAt,
    };

    public static BasicProperties ToProperties(MessageEnvelope envelope, int failedAttempts, IDictionary<string, object?>? extra = null)
    {
        var headers = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            [Timestamp] = envelope.Timestamp.ToUnixTimeMilliseconds(),
            [FailedAttempts] = failedAttempts,
        };
        Put(headers, CausationId, envelope.CausationId);
        Put(headers, TraceParent, envelope.TraceParent);
        Put(headers, TraceState, envelope.TraceState);
        if (envelope.Deadline is { } deadline)
        {
            headers[Deadline] = deadline.ToUnixTimeMilliseconds();
        }

        foreach (var (name, value) in envelope.Headers)
        {
            headers[name] = value;
        }

        if (extra is not null)
        {
            foreach (var (name, value) in extra)
            {
                headers[name] = value;
            }
        }

        return new BasicProperties
        {
            MessageId = envelope.MessageId,
            Type = envelope.MessageType,
            CorrelationId = envelope.CorrelationId,
            ContentType = envelope.ContentType,
            DeliveryMode = DeliveryModes.Persistent,
            Timestamp = new AmqpTimestamp(envelope.Timestamp.ToUnixTimeSeconds()),
            Headers = headers,
        };
    }

    public static MessageEnvelope FromProperties(IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body, int attempt)
    {
        var headers = properties.Headers ?? new Dictionary<string, object?>();
        var user = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            if (!Reserved.Contains(name) && !name.StartsWith("x-", StringComparison.Ordinal) && AsString(value) is { } text)
            {
                user[name] = text;
            }
        }

        return new MessageEnvelope
        {
            MessageId = properties.MessageId ?? string.Empty,
            MessageType = properties.Type ?? string.Empty,
            CorrelationId = properties.CorrelationId,
            CausationId = GetString(headers, CausationId),
            TraceParent = GetString(headers, TraceParent),
            TraceState = GetString(headers, TraceState),
            Deadline = GetLong(headers, Deadline) is { } deadline ? DateTimeOffset.FromUnixTimeMilliseconds(deadline) : null,
            Timestamp = GetLong(headers, Timestamp) is { } ts ? DateTimeOffset.FromUnixTimeMilliseconds(ts) : DateTimeOffset.FromUnixTimeSeconds(properties.Timestamp.UnixTime),
            ContentType = properties.ContentType ?? "application/json",
            Attempt = attempt,
            Headers = user,
            Body = body.ToArray(),
        };
    }

    public static string? GetString(IDictionary<string, object?>? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var value) ? AsString(value) : null;

    public static long? GetLong(IDictionary<string, object?>? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var value) ? value switch
        {
            long l => l,
            int i => i,
            short s => s,
            byte b => b,
            byte[] or string => long.TryParse(AsString(value), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : null,
            _ => null,
        }
        : null;

    private static string? AsString(object? value) => value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        string s => s,
        null => null,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static void Put(Dictionary<string, object?> headers, string name, string? value)
    {
        if (value is not null)
        {
            headers[name] = value;
        }
    }
}
