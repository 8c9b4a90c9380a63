using System.ComponentModel.DataAnnotations;

namespace Bulwark.Resilience.RateLimiting;

/// <summary>One rate-limit tier: an algorithm and its limits (for example anonymous 10/min, authenticated 1000/min).</summary>
/// <remarks>See docs/resilience.md#rate-limiting.</remarks>
public sealed class RateLimitPolicy
{
    /// <summary>The counting algorithm.</summary>
    /// <value>The default value is <see cref="RateLimitAlgorithm.TokenBucket"/>.</value>
    public RateLimitAlgorithm Algorithm { get; set; } = RateLimitAlgorithm.TokenBucket;

    /// <summary>Permits per <see cref="Window"/>.</summary>
    /// <value>The default value is 10.</value>
    [Range(1, 100_000_000)]
    public int PermitLimit { get; set; } = 10;

    /// <summary>The period the limit applies to.</summary>
    /// <value>The default value is 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Segments of a sliding window.</summary>
    /// <value>The default value is 6.</value>
    [Range(1, 1_000)]
    public int SegmentsPerWindow { get; set; } = 6;

    /// <summary>Requests a leaky bucket lets through back to back before spacing them.</summary>
    /// <value>The default value is 1 (no bursts).</value>
    [Range(1, 100_000_000)]
    public int Burst { get; set; } = 1;
}
