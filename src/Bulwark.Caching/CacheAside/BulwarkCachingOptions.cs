using System.ComponentModel.DataAnnotations;

namespace Bulwark.Caching.CacheAside;

/// <summary>
/// The Codex defaults for cache-aside (pattern 18), bound from the <c>Bulwark:Caching</c> section and applied as
/// FusionCache's default entry options. Every entry has a TTL; a stale copy is kept for fail-safe beyond it.
/// </summary>
public sealed class BulwarkCachingOptions : IValidatableObject
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Bulwark:Caching";

    /// <summary>How long an entry is fresh (the TTL). Even if a delete is missed, the entry is reloaded after this.</summary>
    /// <value>The default value is 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The most a fresh duration is lengthened at random, so entries written together do not expire together.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan JitterMaxDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether an expired value is served when the source fails or times out (stale beats down).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool FailSafe { get; set; } = true;

    /// <summary>How long an expired value is kept for fail-safe; it must be at least <see cref="Duration"/>.</summary>
    /// <value>The default value is 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "7.00:00:00")]
    public TimeSpan FailSafeMaxDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>After a failed reload, how long the stale value is reused before the source is tried again.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan FailSafeThrottleDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When a stale value exists, how long a caller waits for the source before getting the stale value; the load
    /// goes on in the background and updates the entry when it finishes.
    /// </summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan FactorySoftTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most a caller waits for the source, stale value or not; it must be at least <see cref="FactorySoftTimeout"/>.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan FactoryHardTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The share of <see cref="Duration"/> after which a read reloads the entry in the background (the soft TTL):
    /// hot keys are refreshed before they expire, so readers never wait. <see langword="null"/> turns it off.
    /// </summary>
    /// <value>The default value is 0.9.</value>
    [Range(0.01, 0.99)]
    public float? EagerRefreshThreshold { get; set; } = 0.9f;

    /// <summary>Prefixes every key and names the backplane channel, so services sharing a second level (Redis) do not collide.</summary>
    /// <value>The default value is <c>bulwark</c>.</value>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]+$")]
    public string KeyPrefix { get; set; } = "bulwark";

    /// <summary>The most a read or write to the second level (e.g. Redis) may take before the cache carries on without it.</summary>
    /// <value>The default value is 500 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan DistributedCacheHardTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>After the second level fails, how long it is skipped (L1 and the source only) before it is tried again.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan DistributedCacheCircuitBreakerDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (FailSafe && FailSafeMaxDuration < Duration)
        {
            yield return new ValidationResult(
                $"FailSafeMaxDuration ({FailSafeMaxDuration}) must be at least Duration ({Duration}): the stale copy outlives the fresh one.",
                [nameof(FailSafeMaxDuration)]);
        }

        if (FactoryHardTimeout < FactorySoftTimeout)
        {
            yield return new ValidationResult(
                $"FactoryHardTimeout ({FactoryHardTimeout}) must be at least FactorySoftTimeout ({FactorySoftTimeout}).",
                [nameof(FactoryHardTimeout)]);
        }
    }
}
