using System.Collections.Concurrent;
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

    // Polly's retry is built once per result type, typed: its non-generic retry handles Outcome<object>, so a
    // non-generic pipeline would box every value-type result on the way through it, success included (issue 11: the
    // success path went from 0.77x to 1.06x Polly's time). A pipeline almost always runs one result type, so the last
    // one built is checked first; the dictionary serves pipelines that run several.
    private readonly ConcurrentDictionary<Type, object> _retries = new();
    private object? _lastRetry;

    // Per execution (the context travels with one call): the delay the predicate chose, which the generator hands to
    // Polly and the next predicate reads as "previous" for decorrelated jitter.
    private readonly ResiliencePropertyKey<TimeSpan> _delayKey = new("Bulwark.Retry.Delay." + Guid.NewGuid().ToString("N"));

    public BulwarkRetryStrategy(BulwarkRetryOptions options, StrategyBuilderContext context)
    {
        _options = options;
        _telemetry = context.Telemetry;
        _timeProvider = context.TimeProvider;
    }

    protected override ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        _options.Budget?.RecordCall();
        return RetryFor<TResult>().ExecuteOutcomeAsync(callback, context, state);
    }

    private ResiliencePipeline<TResult> RetryFor<TResult>()
    {
        if (_lastRetry is ResiliencePipeline<TResult> last)
        {
            return last;
        }

        var retry = (ResiliencePipeline<TResult>)_retries.GetOrAdd(typeof(TResult), static (_, self) => self.BuildRetry<TResult>(), this);
        _lastRetry = retry;
        return retry;
    }

    private ResiliencePipeline<TResult> BuildRetry<TResult>()
    {
        if (_options.MaxRetryAttempts == 0)
        {
            return ResiliencePipeline<TResult>.Empty;
        }

        var name = _options.Name ?? "BulwarkRetry";
        return new ResiliencePipelineBuilder<TResult> { TimeProvider = _timeProvider }
            .AddRetry(new RetryStrategyOptions<TResult>
            {
                Name = _options.Name,
                MaxRetryAttempts = _options.MaxRetryAttempts,
                Delay = _options.BaseDelay,
                MaxDelay = _options.MaxDelay,
                ShouldHandle = args => new ValueTask<bool>(ShouldRetry(args.Outcome, args.Context, args.AttemptNumber)),
                DelayGenerator = args => new ValueTask<TimeSpan?>(args.Context.Properties.GetValue(_delayKey, _options.BaseDelay)),
                OnRetry = args =>
                {
                    _options.OnRetry?.Invoke(new RetryAttempt(args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception));
                    _telemetry.Report(BulwarkResilienceEvents.Retry, args.Context, args.Outcome, new BulwarkEventArguments(name, args.AttemptNumber + 1));
                    return default;
                },
            })
            .Build();
    }

    private bool ShouldRetry<TResult>(in Outcome<TResult> outcome, ResilienceContext context, int retry)
    {
        // Polly asks after every attempt, the last included: answer no before anything is computed or withdrawn.
        if (retry >= _options.MaxRetryAttempts || context.CancellationToken.IsCancellationRequested || !IsTransient(outcome))
        {
            return false;
        }

        var previous = retry == 0 ? _options.BaseDelay : context.Properties.GetValue(_delayKey, _options.BaseDelay);
        var delay = Backoff.Next(_options.Jitter, retry, _options.BaseDelay, _options.MaxDelay, previous, _options.Random());
        if (_options.HonorRetryAfter && _options.RetryAfter is { } retryAfter && retryAfter(AsObject(outcome), _timeProvider.GetUtcNow()) is { } requested)
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

    // Only on a failed attempt, and only when a Retry-After reader is set (HTTP responses, a reference type).
    private static Outcome<object> AsObject<TResult>(in Outcome<TResult> outcome) =>
        outcome.Exception is { } error ? Outcome.FromException<object>(error) : Outcome.FromResult<object>(outcome.Result);

    private bool IsTransient<TResult>(in Outcome<TResult> outcome)
    {
        if (outcome.Exception is { } error)
        {
            return _options.ShouldRetryException?.Invoke(error)
                ?? error is not (OperationCanceledException or BrokenCircuitException or BulkheadRejectedException or DeadlineExceededException);
        }

        return _options.ShouldRetryResult is { } predicate && predicate(outcome.Result);
    }
}
