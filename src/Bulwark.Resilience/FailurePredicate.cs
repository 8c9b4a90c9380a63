using System.Net;
using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.Deadlines;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;

namespace Bulwark.Resilience;

/// <summary>Decides whether an outcome counts as a failure for a breaker or a retry.</summary>
internal static class FailurePredicate
{
    /// <summary>
    /// Exceptions are failures unless <paramref name="exception"/> says otherwise; cancellation by the caller never is,
    /// and neither is a refusal (<see cref="IsRefusal"/>), whatever <paramref name="exception"/> says.
    /// Results are looked at only when a result predicate is set, so the default path never boxes.
    /// </summary>
    public static bool IsFailure<TResult>(
        in Outcome<TResult> outcome,
        Func<Exception, bool>? exception,
        Func<object?, bool>? result,
        CancellationToken callerToken)
    {
        if (outcome.Exception is { } error)
        {
            if (IsRefusal(error) || (error is OperationCanceledException && callerToken.IsCancellationRequested))
            {
                return false;
            }

            return exception?.Invoke(error) ?? true;
        }

        return result is not null && result(outcome.Result) && !IsRefusalResult(outcome.Result);
    }

    /// <summary>
    /// Whether the call was refused on our side without reaching the dependency: a full bulkhead, an open breaker
    /// further in, a rate limiter, or a deadline spent before the call. None of these says anything about the
    /// dependency's health, so counting them would let the shop's own back-pressure open its breakers.
    /// </summary>
    public static bool IsRefusal(Exception error) =>
        error is BulkheadRejectedException or BrokenCircuitException or RateLimiterRejectedException
            or DeadlineExceededException { BeforeCall: true };

    // A 429 is the dependency enforcing our quota, not failing: it is retried, but it must not open the breaker.
    private static bool IsRefusalResult<TResult>(TResult result) =>
        result is HttpResponseMessage { StatusCode: HttpStatusCode.TooManyRequests };
}
