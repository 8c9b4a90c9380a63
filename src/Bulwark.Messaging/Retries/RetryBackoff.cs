namespace Bulwark.Messaging.Retries;

/// <summary>
/// Exponential backoff with "equal jitter": half of the capped exponential delay is fixed, half random, so
/// retries both grow and spread out (no synchronized retry storms after a shared outage).
/// </summary>
internal static class RetryBackoff
{
    public static TimeSpan DelayAfter(int failedAttempt, RetryOptions options, IJitterSource jitter)
    {
        var exponent = Math.Clamp(failedAttempt - 1, 0, 30);
        var capped = Math.Min(options.MaxDelay.Ticks, options.InitialDelay.Ticks * Math.Pow(2, exponent));
        var half = capped / 2;
        return TimeSpan.FromTicks((long)(half + (jitter.NextDouble() * half)));
    }
}
