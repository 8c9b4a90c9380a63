using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Bulwark.Sharding;

/// <summary>
/// The <c>Bulwark.Sharding</c> meter: requests routed per shard (the Hotspot drill's per-shard load), routes a shard
/// refused as stale, writes that waited on a fence, moves and their fenced time, and the cached map's version. Per-shard
/// totals are also kept in process for a drill or an admin page to read without a metrics pipeline.
/// </summary>
public sealed class ShardingMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Bulwark.Sharding";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _staleRoutes;
    private readonly Counter<long> _fenceWaits;
    private readonly Histogram<double> _moveDuration;
    private readonly Histogram<double> _fencedDuration;
    private readonly ConcurrentDictionary<string, StrongBox> _perShard = new(StringComparer.Ordinal);
    private long _mapVersion;

    /// <summary>Creates the instruments.</summary>
    /// <param name="meterFactory">The host's meter factory; a private meter when <see langword="null"/>.</param>
    public ShardingMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _requests = meter.CreateCounter<long>("bulwark.sharding.requests", "{request}", "Requests routed, per shard.");
        _staleRoutes = meter.CreateCounter<long>("bulwark.sharding.stale_routes", "{route}", "Routes a shard refused because the map that made them was older than a bucket move.");
        _fenceWaits = meter.CreateCounter<long>("bulwark.sharding.fence_waits", "{wait}", "Write attempts that found their bucket fenced by a move.");
        _moveDuration = meter.CreateHistogram<double>("bulwark.sharding.move.duration", "s", "Bucket moves, copy to flip.");
        _fencedDuration = meter.CreateHistogram<double>("bulwark.sharding.move.fenced", "s", "How long a move kept its bucket fenced.");
        meter.CreateObservableGauge("bulwark.sharding.map.version", () => Interlocked.Read(ref _mapVersion), "{version}", "The version of the cached shard map.");
    }

    /// <summary>Requests routed to each shard since start, by shard name.</summary>
    /// <returns>A snapshot of the totals.</returns>
    public IReadOnlyDictionary<string, long> RequestsPerShard() =>
        _perShard.ToDictionary(p => p.Key, p => Interlocked.Read(ref p.Value.Count), StringComparer.Ordinal);

    internal void Routed(string shard)
    {
        Interlocked.Increment(ref _perShard.GetOrAdd(shard, static _ => new StrongBox()).Count);
        _requests.Add(1, new KeyValuePair<string, object?>("shard", shard));
    }

    internal void StaleRoute(string shard) => _staleRoutes.Add(1, new KeyValuePair<string, object?>("shard", shard));

    internal void FenceWait(string shard) => _fenceWaits.Add(1, new KeyValuePair<string, object?>("shard", shard));

    internal void MapVersion(long version) => Interlocked.Exchange(ref _mapVersion, version);

    internal void Moved(TimeSpan duration, TimeSpan fenced)
    {
        _moveDuration.Record(duration.TotalSeconds);
        _fencedDuration.Record(fenced.TotalSeconds);
    }

    private sealed class StrongBox
    {
#pragma warning disable CA1051 // A field, so Interlocked can take it by reference.
        public long Count;
#pragma warning restore CA1051
    }
}
