namespace Bulwark.Resilience.Retry;

/// <summary>
/// Exponential backoff with a cap and jitter; the randomness is passed in so tests can control it. The one backoff of
/// Bulwark: the delay generator of <see cref="RetryBuilderExtensions.AddBulwarkRetry{TBuilder}"/> (HTTP calls and saga
/// steps) and the redelivery delay of messaging.
/// </summary>
public static class Backoff
{
    /// <summary>The un-jittered delay before retry <paramref name="retry"/> (0-based): <c>min(cap, base·2^retry)</c>.</summary>
    /// <param name="retry">0 for the first retry.</param>
    /// <param name="baseDelay">The first delay.</param>
    /// <param name="cap">The largest delay.</param>
    /// <returns>The delay.</returns>
    public static TimeSpan Exponential(int retry, TimeSpan baseDelay, TimeSpan cap)
    {
        // Doubles in floating point so a large retry number saturates at the cap instead of overflowing.
        var ticks = baseDelay.Ticks * Math.Pow(2, Math.Clamp(retry, 0, 62));
        return ticks >= cap.Ticks ? cap : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The delay before retry <paramref name="retry"/> with the chosen jitter.</summary>
    /// <param name="jitter">The jitter kind.</param>
    /// <param name="retry">0 for the first retry.</param>
    /// <param name="baseDelay">The first delay.</param>
    /// <param name="cap">The largest delay.</param>
    /// <param name="previous">The previous delay (used by decorrelated jitter; <paramref name="baseDelay"/> before the first retry).</param>
    /// <param name="random">A uniform value in [0, 1).</param>
    /// <returns>The delay, never above <paramref name="cap"/>.</returns>
    public static TimeSpan Next(BackoffJitter jitter, int retry, TimeSpan baseDelay, TimeSpan cap, TimeSpan previous, double random)
    {
        random = Math.Clamp(random, 0, 1);
        switch (jitter)
        {
            case BackoffJitter.Full:
                return TimeSpan.FromTicks((long)(Exponential(retry, baseDelay, cap).Ticks * random));
            case BackoffJitter.Equal:
                var half = Exponential(retry, baseDelay, cap).Ticks / 2.0;
                return TimeSpan.FromTicks((long)(half + (half * random)));
            case BackoffJitter.Decorrelated:
                var low = (double)baseDelay.Ticks;
                var high = Math.Max(low, previous.Ticks * 3.0);
                var ticks = low + ((high - low) * random);
                return ticks >= cap.Ticks ? cap : TimeSpan.FromTicks((long)ticks);
            default:
                return Exponential(retry, baseDelay, cap);
        }
    }
}
