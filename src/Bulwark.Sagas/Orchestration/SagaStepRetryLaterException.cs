namespace Bulwark.Sagas;

/// <summary>
/// Thrown by a step whose dependency said when to come back (an open breaker, a full bulkhead, a 503 with
/// <c>Retry-After</c>): the step's next attempt waits at least <see cref="RetryAfter"/> instead of its usual backoff, so
/// a saga outlasts a short outage rather than spending its attempts against it. Attempts still count toward
/// <see cref="SagaStepOptions.MaxAttempts"/>; when they run out the saga compensates as for any failure.
/// </summary>
public sealed class SagaStepRetryLaterException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="retryAfter">How long the dependency asked callers to wait.</param>
    /// <param name="message">Why the step cannot run now.</param>
    public SagaStepRetryLaterException(TimeSpan retryAfter, string message)
        : base(message)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retryAfter, TimeSpan.Zero);
        RetryAfter = retryAfter;
    }

    /// <summary>How long the dependency asked callers to wait.</summary>
    public TimeSpan RetryAfter { get; }
}
