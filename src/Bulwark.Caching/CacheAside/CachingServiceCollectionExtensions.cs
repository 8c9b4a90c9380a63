using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Backplane.StackExchangeRedis;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace Bulwark.Caching.CacheAside;

/// <summary>Registers cache-aside (Codex pattern 18) as a FusionCache <see cref="IFusionCache"/>. See docs/caching.md.</summary>
public static class CachingServiceCollectionExtensions
{
    /// <summary>
    /// Adds the default <see cref="IFusionCache"/> with the Codex defaults from <see cref="BulwarkCachingOptions"/>
    /// (bound from <c>Bulwark:Caching</c>, validated at start): a TTL on every entry, one loader per key, fail-safe
    /// stale values, soft and hard factory timeouts, eager refresh and jitter. When
    /// <see cref="BulwarkCachingOptions.RedisConfiguration"/> is set, Redis becomes the shared second level and the
    /// backplane; otherwise the cache is in-memory only. FusionCache's traces and metrics are added to OpenTelemetry
    /// when it is configured.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration holding the <c>Bulwark:Caching</c> section, if any.</param>
    /// <param name="configure">Adjusts the options after binding.</param>
    /// <returns>FusionCache's builder, for settings these options do not cover.</returns>
    public static IFusionCacheBuilder AddBulwarkCaching(
        this IServiceCollection services,
        IConfiguration? configuration = null,
        Action<BulwarkCachingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var section = configuration?.GetSection(BulwarkCachingOptions.SectionName);
        var options = services.AddOptions<BulwarkCachingOptions>();
        if (section is not null)
        {
            options.Bind(section);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        // Whether there is a second level decides what is registered, so it is read now; its settings are read later,
        // validated, from IOptions.
        var redis = section?[nameof(BulwarkCachingOptions.RedisConfiguration)];
        if (configure is not null)
        {
            var probe = new BulwarkCachingOptions { RedisConfiguration = redis };
            configure(probe);
            redis = probe.RedisConfiguration;
        }

        var builder = services.AddFusionCache()
            .WithOptions((sp, o) => Apply(sp.GetRequiredService<IOptions<BulwarkCachingOptions>>().Value, o));

        if (!string.IsNullOrWhiteSpace(redis))
        {
            builder
                .WithSerializer(new FusionCacheSystemTextJsonSerializer())
                .WithDistributedCache(sp => new RedisCache(new RedisCacheOptions
                {
                    ConfigurationOptions = RedisOptions(sp.GetRequiredService<IOptions<BulwarkCachingOptions>>().Value),
                }))
                .WithBackplane(sp => new RedisBackplane(new RedisBackplaneOptions
                {
                    ConfigurationOptions = RedisOptions(sp.GetRequiredService<IOptions<BulwarkCachingOptions>>().Value),
                }));
        }

        // Configure-callbacks only: nothing is collected unless the host also adds OpenTelemetry (AddBulwarkObservability).
        services.ConfigureOpenTelemetryTracerProvider(t => t.AddSource(CachingTelemetry.ActivitySourceNames));
        services.ConfigureOpenTelemetryMeterProvider(m => m.AddMeter(CachingTelemetry.MeterNames));
        return builder;
    }

    // A cache that waits for a missing Redis is worse than no cache: commands fail at once while it is disconnected
    // (instead of queueing until the command timeout) and the connection is retried in the background.
    internal static ConfigurationOptions RedisOptions(BulwarkCachingOptions source)
    {
        var redis = ConfigurationOptions.Parse(source.RedisConfiguration!);
        redis.AbortOnConnectFail = false;
        redis.BacklogPolicy = BacklogPolicy.FailFast;
        // The first connect is awaited by whoever touches L2 first; unless told otherwise, it is kept short.
        if (!source.RedisConfiguration!.Contains("connectTimeout", StringComparison.OrdinalIgnoreCase))
        {
            redis.ConnectTimeout = (int)Math.Min(redis.ConnectTimeout, source.DistributedCacheHardTimeout.TotalMilliseconds * 2);
        }

        return redis;
    }

    internal static void Apply(BulwarkCachingOptions source, FusionCacheOptions target)
    {
        target.CacheKeyPrefix = source.KeyPrefix + ":";
        target.BackplaneChannelPrefix = source.KeyPrefix;
        target.DistributedCacheCircuitBreakerDuration = source.DistributedCacheCircuitBreakerDuration;
        target.BackplaneCircuitBreakerDuration = source.DistributedCacheCircuitBreakerDuration;
        target.DefaultEntryOptions = EntryOptions(source);
    }

    internal static FusionCacheEntryOptions EntryOptions(BulwarkCachingOptions source) => new()
    {
        Duration = source.Duration,
        JitterMaxDuration = source.JitterMaxDuration,
        IsFailSafeEnabled = source.FailSafe,
        FailSafeMaxDuration = source.FailSafeMaxDuration,
        FailSafeThrottleDuration = source.FailSafeThrottleDuration,
        FactorySoftTimeout = source.FactorySoftTimeout,
        FactoryHardTimeout = source.FactoryHardTimeout,
        // A load cut short by the soft timeout still finishes and refreshes the entry, so the source's work is not wasted.
        AllowTimedOutFactoryBackgroundCompletion = true,
        EagerRefreshThreshold = source.EagerRefreshThreshold,
        DistributedCacheHardTimeout = source.DistributedCacheHardTimeout,
        // Redis is a shared speed-up, not the source of truth: its writes never hold up the caller, its errors are logged.
        AllowBackgroundDistributedCacheOperations = true,
        AllowBackgroundBackplaneOperations = true,
        ReThrowDistributedCacheExceptions = false,
        ReThrowBackplaneExceptions = false,
    };
}
