using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.Deadlines;
using Bulwark.Resilience.Diagnostics;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Telemetry;
using Polly.Timeout;

namespace Bulwark.Resilience.Retry;

/// <summary>Retries transient failures with capped, jittered exponential backoff, within a retry budget and the ambient deadline.</summary>
internal sealed partial class BulwarkRetryStrategy(
    string name,
    BulwarkRetryOptions options,
    RetryBudget? budget,
    TimeSpan? attemptTimeout,
    TimeProvider timeProvider,
    ResilienceStrategyTelemetry telemetry,
    ILogger logger) : ResilienceStrategy
{
    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        budget?.RecordCall();
        var previousDelay = options.BaseDelay;
        for (var retry = 0; ; retry++)
        {
            Outcome<TResult> outcome;
            try
            {
                outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
            }
            catch (Exception e)
            {
                outcome = Outcome.FromException<TResult>(e);
            }

            if (retry >= options.MaxRetryAttempts || context.CancellationToken.IsCancellationRequested || !IsTransient(outcome))
            {
                return outcome;
            }

            var delay = Backoff.Next(options.Jitter, retry, options.BaseDelay, options.MaxDelay, previousDelay, options.Random());
            if (options.HonorRetryAfter && options.RetryAfter?.Invoke(outcome.Result, timeProvider.GetUtcNow()) is { } requested)
            {
                if (requested > options.MaxDelay)
                {
                    LogRetryAfterTooLong(logger, name, requested);
                    return outcome;
                }

                delay = requested;
            }

            // An attempt that timed out says the dependency may be hanging: the next one is then expected to take the
            // whole attempt timeout, not a typical attempt. Starting it without that much time left would only end in
            // the deadline cutting it, holding a bulkhead slot and a connection to a hung dependency meanwhile, and a
            // cut attempt is the caller's cancellation to the breaker, so it would not even count towards opening it.
            var attempt = options.ExpectedAttemptDuration;
            if (attemptTimeout > attempt && outcome.Exception is TimeoutRejectedException)
            {
                attempt = attemptTimeout.Value;
            }

            var remaining = DeadlineContext.Current?.Remaining(timeProvider);
            if (remaining < delay + attempt)
            {
                LogNoTimeLeft(logger, name, remaining.Value, delay, attempt);
                return outcome;
            }

            if (budget is not null && !budget.TryWithdraw())
            {
                LogBudgetExhausted(logger, name, budget.Name);
                telemetry.Report(BulwarkResilienceEvents.RetryBudgetExhausted, context, outcome, new BulwarkEventArguments(budget.Name, retry + 1));
                return outcome;
            }

            previousDelay = delay;
            options.OnRetry?.Invoke(new RetryAttempt(retry + 1, delay, outcome.Exception));
            LogRetrying(logger, name, retry + 1, delay);
            telemetry.Report(BulwarkResilienceEvents.Retry, context, outcome, new BulwarkEventArguments(name, retry + 1));

            // The discarded response would otherwise hold its connection until finalised.
            (outcome.Result as IDisposable)?.Dispose();
            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(delay, timeProvider, context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
                }
                catch (OperationCanceledException e)
                {
                    return Outcome.FromException<TResult>(e);
                }
            }
        }
    }

    private bool IsTransient<TResult>(in Outcome<TResult> outcome)
    {
        if (outcome.Exception is { } error)
        {
            return options.ShouldRetryException?.Invoke(error)
                ?? error is not (OperationCanceledException or BrokenCircuitException or BulkheadRejectedException or DeadlineExceededException);
        }

        return options.ShouldRetryResult is { } predicate && predicate(outcome.Result);
    }
}
