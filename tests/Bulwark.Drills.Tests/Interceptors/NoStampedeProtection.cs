using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZiggyCreatures.Caching.Fusion.Locking;

namespace Bulwark.Drills.Tests.Interceptors;

/// <summary>
/// The shop with its cache's stampede protection switched off, for the Cache Miss drill's failing half: a memory
/// locker that lets every caller in at once, so each caller that misses loads from the database itself — cache-aside
/// without "one loader per key". FusionCache takes a registered locker; registered by tests only.
/// </summary>
internal sealed class NoStampedeProtection : IFusionCacheMemoryLocker
{
    // A lock that locks nothing: FusionCache reads null as a lock timeout, any other object as held.
    private static readonly object Held = new();

    public static void Register(IServiceCollection services) => services.AddSingleton<IFusionCacheMemoryLocker, NoStampedeProtection>();

    public ValueTask<object?> AcquireLockAsync(string cacheName, string cacheInstanceId, string operationId, string key, TimeSpan timeout, ILogger? logger, CancellationToken token) =>
        ValueTask.FromResult<object?>(Held);

    public object? AcquireLock(string cacheName, string cacheInstanceId, string operationId, string key, TimeSpan timeout, ILogger? logger, CancellationToken token) => Held;

    public void ReleaseLock(string cacheName, string cacheInstanceId, string operationId, string key, object? lockObj, ILogger? logger)
    {
    }

    public void Dispose()
    {
    }
}
