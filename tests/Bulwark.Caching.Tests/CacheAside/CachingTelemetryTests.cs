using System.Diagnostics;
using Bulwark.Caching.CacheAside;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using ZiggyCreatures.Caching.Fusion;

namespace Bulwark.Caching.Tests.CacheAside;

/// <summary>FusionCache's own spans reach OpenTelemetry without the host naming its sources.</summary>
public sealed class CachingTelemetryTests
{
    [Fact]
    public async Task AddBulwarkCaching_WithOpenTelemetry_ExportsFusionCacheSpans()
    {
        var spans = new List<Activity>();
        var services = new ServiceCollection();
        services.AddBulwarkCaching(configure: o => o.KeyPrefix = "telemetry-" + Guid.NewGuid().ToString("N"));
        services.AddOpenTelemetry().WithTracing(t => t.AddInMemoryExporter(spans));
        await using (var provider = services.BuildServiceProvider())
        {
            var tracing = provider.GetRequiredService<TracerProvider>();
            var cache = provider.GetRequiredService<IFusionCache>();

            await cache.GetOrSetAsync("product:7", _ => Task.FromResult(1299L), token: TestContext.Current.CancellationToken);
            tracing.ForceFlush();
        }

        Assert.Contains(spans, s => CachingTelemetry.ActivitySourceNames.Contains(s.Source.Name));
    }
}
