namespace Bulwark.Resilience.RateLimiting;

/// <summary>The counting algorithm of a rate-limit policy.</summary>
public enum RateLimitAlgorithm
{
    /// <summary>N permits per aligned window; cheap, but allows 2N across a window edge.</summary>
    FixedWindow = 0,

    /// <summary>N permits over a window that slides by segments, smoothing the window edge.</summary>
    SlidingWindow = 1,

    /// <summary>A bucket of N tokens refilled evenly over the window: bursts up to N, long-run average N per window.</summary>
    TokenBucket = 2,

    /// <summary>Leaky bucket as a meter (GCRA): requests spaced evenly, bursts limited to <see cref="RateLimitPolicy.Burst"/>.</summary>
    LeakyBucket = 3,
}
