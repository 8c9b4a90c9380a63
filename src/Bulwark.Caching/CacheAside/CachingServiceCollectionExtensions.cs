using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using ZiggyCreatures.Caching.Fusion;

namespace Bulwark.Caching.CacheAside;

/// <summary>Registers cache-aside (Codex pattern 18) as a FusionCache <see cref="IFusionCache"/>. See docs/caching.md.</summary>
public static class CachingServiceCollectionExtensions
{
    /// <summary>
    /// Adds the default <see cref="IFusionCache"/> with the Codex defaults from <see cref="BulwarkCachingOptions"/>
    /// (bound from <c>Bulwark:Caching</c>, validated at start): a TTL on every entry, one loader per key, fail-safe
    /// stale values, soft and hard factory timeouts, eager refresh and jitter. The cache is in-memory only; a shared
    /// second level and backplane are added on the returned builder by an infrastructure package (Bulwark.Redis'
    /// <c>WithBulwarkRedis</c>), so this core package references no client. FusionCache's traces and metrics are
    /// added to OpenTelemetry when it is configured.
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

        var builder = services.AddFusionCache()
            .WithOptions((sp, o) => Apply(sp.GetRequiredService<IOptions<BulwarkCachingOptions>>().Value, o));

        // Configure-callbacks only: nothing is collected unless the host also adds OpenTelemetry (AddBulwarkObservability).
        services.ConfigureOpenTelemetryTracerProvider(t => t.AddSource(CachingTelemetry.ActivitySourceNames));
        services.ConfigureOpenTelemetryMeterProvider(m => m.AddMeter(CachingTelemetry.MeterNames));
        return builder;
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
