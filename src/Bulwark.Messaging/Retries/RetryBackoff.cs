using Bulwark.Resilience.Retry;

namespace Bulwark.Messaging.Retries;

/// <summary>
/// The redelivery delay: Bulwark's one <see cref="Backoff"/> with equal jitter (half of the capped exponential delay
/// fixed, half random), so retries both grow and spread out (no synchronized retry storms after a shared outage).
/// </summary>
internal static class RetryBackoff
{
    public static TimeSpan DelayAfter(int failedAttempt, RetryOptions options, IJitterSource jitter) =>
        Backoff.Next(BackoffJitter.Equal, failedAttempt - 1, options.InitialDelay, options.MaxDelay, options.InitialDelay, jitter.NextDouble());
}
