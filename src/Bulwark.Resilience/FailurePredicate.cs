using Polly;

namespace Bulwark.Resilience;

/// <summary>Decides whether an outcome counts as a failure for a breaker or a retry.</summary>
internal static class FailurePredicate
{
    /// <summary>
    /// Exceptions are failures unless <paramref name="exception"/> says otherwise; cancellation by the caller never is.
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
            if (error is OperationCanceledException && callerToken.IsCancellationRequested)
            {
                return false;
            }

            return exception?.Invoke(error) ?? true;
        }

        return result is not null && result(outcome.Result);
    }
}
