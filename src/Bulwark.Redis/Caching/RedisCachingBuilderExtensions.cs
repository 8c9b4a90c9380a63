using Bulwark.Caching.CacheAside;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Backplane.StackExchangeRedis;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace Bulwark.Redis.Caching;

/// <summary>Adds Redis under Bulwark's cache-aside (Codex pattern 18). See docs/caching.md.</summary>
public static class RedisCachingBuilderExtensions
{
    /// <summary>
    /// Makes Redis the shared second level (L2, values as JSON) and the backplane that tells other instances to drop
    /// their in-memory copy. Call it on the builder <c>AddBulwarkCaching</c> returns; its
    /// <see cref="BulwarkCachingOptions.DistributedCacheHardTimeout"/> and circuit breaker apply to Redis.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddBulwarkCaching</c>.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c>.</param>
    /// <returns>The builder.</returns>
    public static IFusionCacheBuilder WithBulwarkRedis(this IFusionCacheBuilder builder, string configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return builder
            .WithSerializer(new FusionCacheSystemTextJsonSerializer())
            .WithDistributedCache(sp => new RedisCache(new RedisCacheOptions
            {
                ConfigurationOptions = RedisOptions(configuration, sp.GetRequiredService<IOptions<BulwarkCachingOptions>>().Value),
            }))
            .WithBackplane(sp => new RedisBackplane(new RedisBackplaneOptions
            {
                ConfigurationOptions = RedisOptions(configuration, sp.GetRequiredService<IOptions<BulwarkCachingOptions>>().Value),
            }));
    }

    // A cache that waits for a missing Redis is worse than no cache: commands fail at once while it is disconnected
    // (instead of queueing until the command timeout) and the connection is retried in the background.
    internal static ConfigurationOptions RedisOptions(string configuration, BulwarkCachingOptions caching)
    {
        var redis = ConfigurationOptions.Parse(configuration);
        redis.AbortOnConnectFail = false;
        redis.BacklogPolicy = BacklogPolicy.FailFast;
        // The first connect is awaited by whoever touches L2 first; unless told otherwise, it is kept short.
        if (!configuration.Contains("connectTimeout", StringComparison.OrdinalIgnoreCase))
        {
            redis.ConnectTimeout = (int)Math.Min(redis.ConnectTimeout, caching.DistributedCacheHardTimeout.TotalMilliseconds * 2);
        }

        return redis;
    }
}
