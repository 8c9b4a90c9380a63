using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.Deadlines;
using Bulwark.Resilience.Diagnostics;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Telemetry;
using Polly.Timeout;

namespace Bulwark.Resilience.Retry;

/// <summary>
/// Polly's retry strategy, given what it lacks as a predicate and a delay generator: the delay comes from
/// <see cref="Backoff"/> (chosen in the predicate, because whether the deadline holds another attempt depends on it),
/// a server's <c>Retry-After</c> replaces it, a retry the deadline cannot hold is not made, and the retry budget is drawn
/// on last, so a retry refused for another reason never spends it. This wrapper counts each call's first attempt
/// towards the budget and lets Polly's retry, built on the pipeline's clock, run generic and non-generic pipelines alike.
/// </summary>
internal sealed class BulwarkRetryStrategy : ResilienceStrategy
{
    private readonly BulwarkRetryOptions _options;
    private readonly ResilienceStrategyTelemetry _telemetry;
    private readonly TimeProvider _timeProvider;
    private readonly ResiliencePipeline _retry;

    // Per execution (the context travels with one call): the delay the predicate chose, which the generator hands to
    // Polly and the next predicate reads as "previous" for decorrelated jitter.
    private readonly ResiliencePropertyKey<TimeSpan> _delayKey = new("Bulwark.Retry.Delay." + Guid.NewGuid().ToString("N"));

    public BulwarkRetryStrategy(BulwarkRetryOptions options, StrategyBuilderContext context)
    {
        _options = options;
        _telemetry = context.Telemetry;
        _timeProvider = context.TimeProvider;
        _retry = options.MaxRetryAttempts == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder { TimeProvider = context.TimeProvider }
                .AddRetry(new RetryStrategyOptions
                {
                    Name = options.Name,
                    MaxRetryAttempts = options.MaxRetryAttempts,
                    Delay = options.BaseDelay,
                    MaxDelay = options.MaxDelay,
                    ShouldHandle = args => new ValueTask<bool>(ShouldRetry(args.Outcome, args.Context, args.AttemptNumber)),
                    DelayGenerator = args => new ValueTask<TimeSpan?>(args.Context.Properties.GetValue(_delayKey, options.BaseDelay)),
                    OnRetry = args =>
                    {
                        options.OnRetry?.Invoke(new RetryAttempt(args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception));
                        _telemetry.Report(BulwarkResilienceEvents.Retry, args.Context, args.Outcome, new BulwarkEventArguments(options.Name ?? "BulwarkRetry", args.AttemptNumber + 1));
                        return default;
                    },
                })
                .Build();
    }

    protected override ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        _options.Budget?.RecordCall();
        return _retry.ExecuteOutcomeAsync(callback, context, state);
    }

    private bool ShouldRetry(in Outcome<object> outcome, ResilienceContext context, int retry)
    {
        // Polly asks after every attempt, the last included: answer no before anything is computed or withdrawn.
        if (retry >= _options.MaxRetryAttempts || context.CancellationToken.IsCancellationRequested || !IsTransient(outcome))
        {
            return false;
        }

        var previous = retry == 0 ? _options.BaseDelay : context.Properties.GetValue(_delayKey, _options.BaseDelay);
        var delay = Backoff.Next(_options.Jitter, retry, _options.BaseDelay, _options.MaxDelay, previous, _options.Random());
        if (_options.HonorRetryAfter && _options.RetryAfter?.Invoke(outcome, _timeProvider.GetUtcNow()) is { } requested)
        {
            if (requested > _options.MaxDelay)
            {
                _telemetry.Report(BulwarkResilienceEvents.RetryAfterBeyondCap, context, outcome, new BulwarkEventArguments(_options.Name ?? "BulwarkRetry", retry + 1));
                return false;
            }

            delay = requested;
        }

        // An attempt that timed out says the dependency may be hanging: the next one is then expected to take the
        // whole attempt timeout, not a typical attempt. Starting it without that much time left would only end in
        // the deadline cutting it, holding a bulkhead slot and a connection to a hung dependency meanwhile, and a
        // cut attempt is the caller's cancellation to the breaker, so it would not even count towards opening it.
        var attempt = _options.ExpectedAttemptDuration;
        if (_options.AttemptTimeout > attempt && outcome.Exception is TimeoutRejectedException)
        {
            attempt = _options.AttemptTimeout.Value;
        }

        if (DeadlineContext.Current?.Remaining(_timeProvider) < delay + attempt)
        {
            _telemetry.Report(BulwarkResilienceEvents.RetryNoTimeLeft, context, outcome, new BulwarkEventArguments(_options.Name ?? "BulwarkRetry", retry + 1));
            return false;
        }

        if (_options.Budget is { } budget && !budget.TryWithdraw())
        {
            _telemetry.Report(BulwarkResilienceEvents.RetryBudgetExhausted, context, outcome, new BulwarkEventArguments(budget.Name, retry + 1));
            return false;
        }

        context.Properties.Set(_delayKey, delay);
        return true;
    }

    private bool IsTransient(in Outcome<object> outcome)
    {
        if (outcome.Exception is { } error)
        {
            return _options.ShouldRetryException?.Invoke(error)
                ?? error is not (OperationCanceledException or BrokenCircuitException or BulkheadRejectedException or DeadlineExceededException);
        }

        return _options.ShouldRetryResult is { } predicate && predicate(outcome.Result);
    }
}
