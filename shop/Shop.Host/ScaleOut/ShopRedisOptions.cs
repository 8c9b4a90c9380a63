using System.ComponentModel.DataAnnotations;
using Bulwark.Redis.RateLimiting;
using StackExchange.Redis;

namespace Shop.Host.ScaleOut;

/// <summary>The shop's cache on several instances. Bound from <c>Shop:Cache</c> (docs/shop.md, "Running as a fleet").</summary>
public sealed class ShopCacheOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shop:Cache";

    /// <summary>
    /// A StackExchange.Redis configuration string (e.g. <c>127.0.0.1:6379</c>); when set, Redis is the cache's shared
    /// second level and the backplane that drops every instance's in-memory copy when one instance removes an entry.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (in memory only, one instance).</value>
    public string? Redis { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        ShopRedis.Check($"{SectionName}:{nameof(Redis)}", Redis, nameof(Redis));
}

/// <summary>Where the shop's rate limits are counted. Bound from <c>Shop:RateLimiting</c>.</summary>
public sealed class ShopRateLimitingOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shop:RateLimiting";

    /// <summary>
    /// A StackExchange.Redis configuration string; when set, every tier's limit is counted in Redis, so the limit holds
    /// for the whole fleet instead of for each instance (Codex 05).
    /// </summary>
    /// <value>The default value is <see langword="null"/> (each instance counts on its own).</value>
    public string? Redis { get; set; }

    /// <summary>What a limit does while Redis cannot answer.</summary>
    /// <value>The default value is <see cref="RedisUnavailableMode.FailOpen"/> (each instance's own limiter decides).</value>
    public RedisUnavailableMode WhenRedisUnavailable { get; set; } = RedisUnavailableMode.FailOpen;

    /// <summary>Prefix of the limiter's Redis keys; shops sharing one Redis for different purposes keep apart by it.</summary>
    /// <value>The default value is <c>shop:rl:</c>.</value>
    [Required(AllowEmptyStrings = false)]
    public string KeyPrefix { get; set; } = "shop:rl:";

    /// <summary>How long a limit waits for Redis before <see cref="WhenRedisUnavailable"/> decides instead.</summary>
    /// <value>The default value is 250 milliseconds; between 10 milliseconds and 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:05")]
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        ShopRedis.Check($"{SectionName}:{nameof(Redis)}", Redis, nameof(Redis));
}

/// <summary>Checks a Redis setting at start-up, so a typo stops the shop with the key's name instead of at the first request.</summary>
internal static class ShopRedis
{
    public static IEnumerable<ValidationResult> Check(string key, string? configuration, string member)
    {
        if (configuration is null)
        {
            yield break;
        }

        string? problem = null;
        try
        {
            if (ConfigurationOptions.Parse(configuration).EndPoints.Count == 0)
            {
                problem = "it names no host:port";
            }
        }
        catch (ArgumentException e)
        {
            // The message names the bad keyword, never the password that may follow it.
            problem = e.Message;
        }

        if (problem is not null)
        {
            yield return new ValidationResult(
                $"{key} is not a StackExchange.Redis configuration string ({problem}); set it like 127.0.0.1:6379,password=..., or remove it to run without Redis.",
                [member]);
        }
    }
}
