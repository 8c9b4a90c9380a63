using Bulwark.AspNetCore.Health;
using Bulwark.Redis.Caching;
using Bulwark.Redis.RateLimiting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;

namespace Shop.Host.ScaleOut;

/// <summary>
/// The shop on shared infrastructure, switched by configuration alone (docs/shop.md, "Running as a fleet"): Redis
/// under the cache (<c>Shop:Cache:Redis</c>) and under the rate limits (<c>Shop:RateLimiting:Redis</c>), each on
/// readiness. The database (<c>Shop:Data</c>) and the bus (<c>Shop:Messaging</c>) switch in their own registrations.
/// </summary>
internal static class ScaleOutServiceCollectionExtensions
{
    private const string CacheRedisKey = ShopCacheOptions.SectionName + ":" + nameof(ShopCacheOptions.Redis);
    private const string RateLimitingRedisKey = ShopRateLimitingOptions.SectionName + ":" + nameof(ShopRateLimitingOptions.Redis);

    /// <summary>Makes Redis the cache's second level and backplane when <c>Shop:Cache:Redis</c> is set.</summary>
    public static IServiceCollection AddShopCacheRedis(this IServiceCollection services, IConfiguration configuration, IFusionCacheBuilder caching)
    {
        services.AddOptions<ShopCacheOptions>().BindConfiguration(ShopCacheOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var options = configuration.GetSection(ShopCacheOptions.SectionName).Get<ShopCacheOptions>() ?? new ShopCacheOptions();
        // Checked here, not only on start: the cache's Redis connection is built with the first service that needs the
        // cache, before options validation would run, and would fail without naming the setting.
        ThrowIfInvalid(options);
        if (options.Redis is not { } redis)
        {
            return services;
        }

        caching.WithBulwarkRedis(redis);
        services.AddKeyedSingleton<IConnectionMultiplexer>(CacheRedisKey, (_, _) => Connect(redis));
        // The cache keeps answering from memory and the database without Redis: degraded, still in rotation.
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            "redis-cache",
            sp => new RedisHealthCheck(sp.GetRequiredKeyedService<IConnectionMultiplexer>(CacheRedisKey), "the cache"),
            HealthStatus.Degraded,
            [HealthTags.Ready]));
        return services;
    }

    /// <summary>Counts every rate limit in Redis, for the whole fleet, when <c>Shop:RateLimiting:Redis</c> is set.</summary>
    public static IServiceCollection AddShopRedisRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ShopRateLimitingOptions>().BindConfiguration(ShopRateLimitingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var options = configuration.GetSection(ShopRateLimitingOptions.SectionName).Get<ShopRateLimitingOptions>() ?? new ShopRateLimitingOptions();
        ThrowIfInvalid(options);
        if (options.Redis is not { } redis)
        {
            return services;
        }

        services.AddSingleton<IConnectionMultiplexer>(_ => Connect(redis));
        services.AddBulwarkRedisRateLimiter(o =>
        {
            o.KeyPrefix = options.KeyPrefix;
            o.WhenUnavailable = options.WhenRedisUnavailable;
            o.Timeout = options.RedisTimeout;
        });
        // Failing closed, an instance refuses every /api call while Redis is away: readiness says so. Failing open it
        // serves with its own limiter, degraded.
        var failure = options.WhenRedisUnavailable == RedisUnavailableMode.FailClosed ? HealthStatus.Unhealthy : HealthStatus.Degraded;
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            "redis-rate-limits",
            sp => new RedisHealthCheck(sp.GetRequiredService<IConnectionMultiplexer>(), "rate limits"),
            failure,
            [HealthTags.Ready]));
        return services;
    }

    private static void ThrowIfInvalid(object options)
    {
        var context = new System.ComponentModel.DataAnnotations.ValidationContext(options);
        var problems = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, context, problems, validateAllProperties: true))
        {
            throw new InvalidOperationException(string.Join(" ", problems.Select(p => p.ErrorMessage)));
        }
    }

    // Never waits for a missing Redis at start-up (AbortOnConnectFail off) and fails a command at once while it is away
    // (FailFast): the limiter's own breaker and fail-open/closed decide, not a queue of waiting requests.
    private static ConnectionMultiplexer Connect(string configuration)
    {
        var redis = ConfigurationOptions.Parse(configuration);
        redis.AbortOnConnectFail = false;
        redis.BacklogPolicy = BacklogPolicy.FailFast;
        if (!configuration.Contains("connectTimeout", StringComparison.OrdinalIgnoreCase))
        {
            redis.ConnectTimeout = 2000;
        }

        return ConnectionMultiplexer.Connect(redis);
    }
}
