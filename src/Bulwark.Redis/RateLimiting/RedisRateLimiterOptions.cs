using System.ComponentModel.DataAnnotations;

namespace Bulwark.Redis.RateLimiting;

/// <summary>What a distributed limit does when Redis cannot answer.</summary>
public enum RedisUnavailableMode
{
    /// <summary>The in-process limiter decides (each instance then enforces the limit on its own).</summary>
    FailOpen = 0,

    /// <summary>Every request is refused until Redis answers again.</summary>
    FailClosed = 1,
}

/// <summary>Settings of the Redis rate limiter. Bound from <c>Bulwark:Redis:RateLimiting</c>.</summary>
public sealed class RedisRateLimiterOptions
{
    /// <summary>Prefix of every key the limiter writes.</summary>
    /// <value>The default value is <c>bulwark:rl:</c>.</value>
    [Required]
    public string KeyPrefix { get; set; } = "bulwark:rl:";

    /// <summary>What happens when Redis is unreachable or slow.</summary>
    /// <value>The default value is <see cref="RedisUnavailableMode.FailOpen"/>.</value>
    public RedisUnavailableMode WhenUnavailable { get; set; } = RedisUnavailableMode.FailOpen;

    /// <summary>How long one decision may wait for Redis before it counts as unavailable.</summary>
    /// <value>The default value is 250 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:30")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long Redis is skipped after it failed 3 decisions in a row (the limiter's own breaker).</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
