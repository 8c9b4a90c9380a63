using System.Diagnostics;

namespace Bulwark.Sagas;

/// <summary>
/// The <c>Bulwark.Sagas</c> activity source. A saga runs after the request that started it has answered, on a
/// background loop whose own span (if any) belongs to no request; so the starter's W3C context and correlation id are
/// saved with the instance (<see cref="SagaState.TraceParent"/>) and every step's span is a child of that context.
/// Whatever the step writes to an outbox, and every consumer of it, then stays in the starter's trace. See
/// docs/observability.md.
/// </summary>
public static class SagaTracing
{
    /// <summary>The activity source name (matched by the <c>Bulwark.*</c> sources the observability setup listens to).</summary>
    public const string ActivitySourceName = "Bulwark.Sagas";

    /// <summary>
    /// The baggage item the correlation id travels in, the one <c>UseBulwarkCorrelation</c> and Bulwark.Messaging use
    /// (<c>MessageHeaders.CorrelationBaggage</c>); spelled here because this library references neither.
    /// </summary>
    public const string CorrelationBaggage = "bulwark.correlation_id";

    /// <summary>The log scope key the correlation id is written under while a saga runs.</summary>
    public const string CorrelationScopeKey = "correlation_id";

    internal static readonly ActivitySource Source = new(ActivitySourceName);

    /// <summary>The starting span's context and correlation id, to persist with a new instance.</summary>
    internal static SagaState Capture(SagaState state)
    {
        // Only a W3C id can be written to a traceparent; a hierarchical id (a listener-less legacy caller) has no trace to continue.
        if (Activity.Current is not { IdFormat: ActivityIdFormat.W3C } current)
        {
            return state;
        }

        return state with
        {
            TraceParent = current.Id,
            TraceState = current.TraceStateString,
            CorrelationId = current.GetBaggageItem(CorrelationBaggage),
        };
    }

    /// <summary>
    /// Starts a step's span as a child of the context saved with the instance. When the run was triggered from another
    /// trace (a consumer or an operator's request resuming it), that trace is linked, not the parent: the step belongs
    /// to the conversation that started the saga.
    /// </summary>
    internal static Activity? StartStep(string sagaType, SagaState state, string stepName, bool isCompensation, ActivityContext trigger)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var name = $"{sagaType} {(isCompensation ? "compensate" : "execute")} {stepName}";
        Activity? activity;
        if (state.TraceParent is not null && ActivityContext.TryParse(state.TraceParent, state.TraceState, isRemote: true, out var stored))
        {
            var links = trigger != default && trigger.TraceId != stored.TraceId ? new[] { new ActivityLink(trigger) } : null;
            activity = Source.StartActivity(ActivityKind.Internal, stored, tags: null, links, name: name);
        }
        else
        {
            // An instance saved before its context was kept (or started outside any span) continues whatever runs it.
            activity = Source.StartActivity(name, ActivityKind.Internal);
        }

        if (activity is null)
        {
            return null;
        }

        if (state.CorrelationId is { } correlation)
        {
            // Baggage, not only a tag: the outbox stores the span's baggage with each row, so the messages the step
            // writes carry the correlation id to their consumers, and log lines written in the step carry it too.
            activity.SetBaggage(CorrelationBaggage, correlation);
        }

        activity.SetTag("bulwark.saga.type", sagaType);
        activity.SetTag("bulwark.saga.id", state.SagaId.ToString());
        activity.SetTag("bulwark.saga.step", stepName);
        activity.SetTag("bulwark.saga.compensation", isCompensation);
        return activity;
    }

    /// <summary>Records a step's outcome on its span.</summary>
    internal static void Finish(Activity? activity, int attempts, Exception? failure)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("bulwark.saga.attempts", attempts);
        if (failure is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, failure.Message);
            activity.AddException(failure);
        }
    }
}
