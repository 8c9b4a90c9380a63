using System.Diagnostics;

namespace Bulwark.Messaging.Diagnostics;

/// <summary>
/// The trace through the broker: a producer span per publish or send, a consumer span per delivery, named and tagged
/// after OpenTelemetry's messaging conventions (<c>messaging.system</c>, <c>messaging.operation.type</c>, ...), with
/// the W3C trace context and baggage written into the envelope on the way out and restored on the way in.
/// </summary>
/// <remarks>
/// A delivery's span is a <b>child</b> of the producer span, and also links to it. The conventions require the link
/// (a batch has many creation contexts, so a parent cannot express it) and allow the parent when one message is
/// handled at a time, which is always so here. The parent is what lets one trace id find the consumer's log lines and
/// spans of the request that caused them; the link keeps the relation for tools that only follow links.
/// </remarks>
internal static class MessageTracing
{
    public static Activity? StartPublish(MessageEnvelope envelope, string operation, string destination, string system)
    {
        // An envelope that already carries a context (a row relayed from the outbox carries the request that wrote it)
        // continues that trace; otherwise the current span is the parent. The relay's loop must never be the parent.
        // An envelope created under the current span (IMessageBus.CreateEnvelope) starts from that span itself, which
        // brings its baggage along.
        var fromCurrent = Activity.Current is { } current && current.Id == envelope.TraceParent;
        var activity = !fromCurrent && TryParse(envelope, out var stored)
            ? MessagingMetrics.ActivitySource.StartActivity(ActivityKind.Producer, stored, name: operation + " " + destination)
            : MessagingMetrics.ActivitySource.StartActivity(operation + " " + destination, ActivityKind.Producer);
        if (activity is null)
        {
            return null;
        }

        RestoreBaggage(activity, envelope);
        Tag(activity, envelope, system, operation == "publish" ? "send" : operation, operation, destination);
        return activity;
    }

    /// <summary>The envelope as it goes out: the producer span's context and the conversation's correlation id and baggage.</summary>
    public static MessageEnvelope Stamp(MessageEnvelope envelope, Activity? producer)
    {
        var span = producer ?? Activity.Current;
        if (span is null)
        {
            return envelope;
        }

        var correlation = envelope.CorrelationId ?? span.GetBaggageItem(MessageHeaders.CorrelationBaggage);
        envelope = producer is not null || envelope.TraceParent is null
            ? envelope with { TraceParent = span.Id, TraceState = span.TraceStateString, CorrelationId = correlation }
            : envelope with { CorrelationId = correlation };
        if (!envelope.Headers.ContainsKey(MessageHeaders.Baggage) && Baggage(span) is { } baggage)
        {
            envelope = envelope.WithHeader(MessageHeaders.Baggage, baggage);
        }

        return envelope;
    }

    public static Activity? StartProcess(MessageEnvelope envelope, string queue, string system)
    {
        var hasParent = TryParse(envelope, out var parent);
        var links = hasParent ? new[] { new ActivityLink(parent) } : null;
        var activity = MessagingMetrics.ActivitySource.StartActivity(ActivityKind.Consumer, parent, links: links, name: "process " + queue);
        if (activity is null)
        {
            return null;
        }

        RestoreBaggage(activity, envelope);
        Tag(activity, envelope, system, "process", "process", queue);
        activity.SetTag("messaging.message.type", envelope.MessageType);
        activity.SetTag("messaging.message.delivery_attempt", envelope.Attempt);
        return activity;
    }

    private static bool TryParse(MessageEnvelope envelope, out ActivityContext context)
    {
        context = default;
        return envelope.TraceParent is not null && ActivityContext.TryParse(envelope.TraceParent, envelope.TraceState, isRemote: true, out context);
    }

    private static void RestoreBaggage(Activity activity, MessageEnvelope envelope)
    {
        if (envelope.Headers.TryGetValue(MessageHeaders.Baggage, out var header))
        {
            var baggage = DistributedContextPropagator.Current.ExtractBaggage(
                header,
                static (carrier, name, out value, out values) =>
                {
                    values = null;
                    value = name == MessageHeaders.Baggage ? carrier as string : null;
                });
            foreach (var (key, value) in baggage ?? [])
            {
                activity.SetBaggage(key, value);
            }
        }

        // The envelope's own field wins: it is what the producer chose for this conversation.
        if (envelope.CorrelationId is { } correlation)
        {
            activity.SetBaggage(MessageHeaders.CorrelationBaggage, correlation);
        }
    }

    private static void Tag(Activity activity, MessageEnvelope envelope, string system, string operationType, string operationName, string destination)
    {
        activity.SetTag("messaging.system", system);
        activity.SetTag("messaging.operation.type", operationType);
        activity.SetTag("messaging.operation.name", operationName);
        activity.SetTag("messaging.destination.name", destination);
        activity.SetTag("messaging.message.id", envelope.MessageId);
        if (envelope.CorrelationId is { } correlation)
        {
            activity.SetTag("messaging.message.conversation_id", correlation);
        }
    }

    private static string? Baggage(Activity span)
    {
        string? header = null;
        DistributedContextPropagator.Current.Inject(
            span,
            span,
            (_, name, value) =>
            {
                if (name == MessageHeaders.Baggage)
                {
                    header = value;
                }
            });
        return header;
    }
}
