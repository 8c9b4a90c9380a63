using ZiggyCreatures.Caching.Fusion;

namespace Bulwark.Caching.CacheAside;

/// <summary>
/// The trace and metric sources FusionCache emits itself (hits, misses, fail-safe activations, factory errors,
/// L2 and backplane calls). <see cref="CachingServiceCollectionExtensions.AddBulwarkCaching"/> adds them to
/// OpenTelemetry; use these names when wiring a collector by hand.
/// </summary>
public static class CachingTelemetry
{
    /// <summary>FusionCache's activity sources (operations, plus the memory, distributed and backplane levels).</summary>
    public static readonly string[] ActivitySourceNames =
    [
        FusionCacheDiagnostics.ActivitySourceName,
        FusionCacheDiagnostics.ActivitySourceNameMemoryLevel,
        FusionCacheDiagnostics.ActivitySourceNameDistributedLevel,
        FusionCacheDiagnostics.ActivitySourceNameBackplane,
    ];

    /// <summary>FusionCache's meters (operations, plus the memory, distributed and backplane levels).</summary>
    public static readonly string[] MeterNames =
    [
        FusionCacheDiagnostics.MeterName,
        FusionCacheDiagnostics.MeterNameMemoryLevel,
        FusionCacheDiagnostics.MeterNameDistributedLevel,
        FusionCacheDiagnostics.MeterNameBackplane,
    ];
}
