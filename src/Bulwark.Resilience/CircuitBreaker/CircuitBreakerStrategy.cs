using Bulwark.Resilience.Diagnostics;
using Polly;
using Polly.Telemetry;

namespace Bulwark.Resilience.CircuitBreaker;

/// <summary>Runs calls through a <see cref="BulwarkCircuitBreaker"/>; refusals are outcomes, never thrown here.</summary>
internal sealed class CircuitBreakerStrategy(BulwarkCircuitBreaker breaker, ResilienceStrategyTelemetry telemetry) : ResilienceStrategy
{
    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        if (!breaker.TryEnter(out var permit, out var rejection))
        {
            telemetry.Report(BulwarkResilienceEvents.CircuitRejected, context, new BulwarkEventArguments(breaker.Name));
            return Outcome.FromException<TResult>(rejection);
        }

        Outcome<TResult> outcome;
        try
        {
            outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (Exception e)
        {
            // Callbacks from a pipeline return outcomes; this only guards strategies used on their own.
            outcome = Outcome.FromException<TResult>(e);
        }

        // A refusal further in (full bulkhead, rate limiter, spent deadline) never reached the dependency: it is
        // neither a success nor a failure, and a probe refused that way gives its slot back.
        if ((outcome.Exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
            || (outcome.Exception is { } error && FailurePredicate.IsRefusal(error)))
        {
            breaker.Abandon(permit);
        }
        else
        {
            var options = breaker.Options;
            breaker.Complete(permit, FailurePredicate.IsFailure(outcome, options.ShouldHandleException, options.ShouldHandleResult, context.CancellationToken));
        }

        return outcome;
    }
}
