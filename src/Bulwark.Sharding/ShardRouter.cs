using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Sharding;

/// <summary>
/// The router: a map cached in process with its catalog version. A route older than
/// <see cref="ShardingOptions.MapCheckInterval"/> first compares versions with the catalog (one small query) and reloads
/// only when they differ; a shard's refusal forces the comparison. Refreshes are single-flight.
/// </summary>
public sealed partial class ShardRouter : IShardRouter, IDisposable
{
    // A stale route is refused before anything is written, so trying again is safe; more than this many refusals in a
    // row means the catalog and the shards disagree (a move died between its flip and its release), not a race.
    private const int MaxStaleRoutes = 3;

    private readonly SqlShardCatalog _catalog;
    private readonly Dictionary<string, Shard> _shards;
    private readonly ShardingOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ShardingMetrics _metrics;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile CachedMap? _cached;

    /// <summary>Creates the router; does no I/O.</summary>
    /// <param name="catalog">The catalog holding the map.</param>
    /// <param name="shards">Every shard the map may name.</param>
    /// <param name="options">Bucket count and timings.</param>
    /// <param name="timeProvider">The clock for the check interval and fence waits.</param>
    /// <param name="metrics">Where routes are counted.</param>
    /// <param name="logger">Logs map changes and stale routes.</param>
    public ShardRouter(SqlShardCatalog catalog, IReadOnlyList<Shard> shards, IOptions<ShardingOptions> options, TimeProvider timeProvider, ShardingMetrics metrics, ILogger<ShardRouter> logger)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfZero(shards.Count);
        _catalog = catalog;
        Shards = shards;
        _shards = shards.ToDictionary(s => s.Name, StringComparer.Ordinal);
        _options = options.Value;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _logger = logger;
    }

    /// <inheritdoc />
    public int BucketCount => _options.BucketCount;

    /// <inheritdoc />
    public IReadOnlyList<Shard> Shards { get; }

    /// <inheritdoc />
    public ShardMap? CurrentMap => _cached?.Map;

    /// <summary>
    /// Seeds the catalog's first map if it has none (bucket b on the (b mod K)-th shard that is not a spare), gives each
    /// shard its first buckets, and
    /// caches the map. Idempotent; run it at start-up on every instance.
    /// </summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The map.</returns>
    /// <exception cref="InvalidOperationException">The catalog names a shard that is not configured.</exception>
    public async Task<ShardMap> InitializeAsync(CancellationToken cancellationToken)
    {
        var dealt = Shards.Where(s => !s.Spare).Select(s => s.Name).ToArray();
        if (dealt.Length == 0)
        {
            throw new InvalidOperationException("Every shard is a spare: at least one shard must take buckets in the first map.");
        }

        var map = await _catalog.SeedAsync(BucketCount, dealt, cancellationToken).ConfigureAwait(false);
        foreach (var shard in Shards)
        {
            await shard.Buckets.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        // Only the first map is seeded onto the shards: after a move the shards' own rows are the truth, and a seed
        // written from an old read cannot take back a bucket that moved (its Moved row stays).
        if (map.Version == 1)
        {
            foreach (var shard in Shards)
            {
                await shard.Buckets.SeedAsync(map.BucketsOf(shard.Name), cancellationToken).ConfigureAwait(false);
            }
        }

        Cache(map);
        return map;
    }

    /// <inheritdoc />
    public int BucketOf(string key) => ShardHash.BucketOf(key, BucketCount);

    /// <inheritdoc />
    public async ValueTask<ShardRoute> RouteAsync(int bucket, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bucket);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bucket, BucketCount);
        var cached = _cached;
        if (cached is null || _timeProvider.GetUtcNow() - cached.CheckedAt >= _options.MapCheckInterval)
        {
            cached = await CheckAsync(cached?.Map.Version ?? 0, force: false, cancellationToken).ConfigureAwait(false);
        }

        var shard = _shards[cached.Map.ShardOf(bucket)];
        _metrics.Routed(shard.Name);
        return new ShardRoute(bucket, shard, cached.Map.Version);
    }

    /// <inheritdoc />
    public async ValueTask<ShardMap> RefreshAsync(long staleVersion, CancellationToken cancellationToken) =>
        (await CheckAsync(staleVersion, force: true, cancellationToken).ConfigureAwait(false)).Map;

    /// <inheritdoc />
    public async Task<T> RunAsync<T>(int bucket, Func<ShardRoute, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var stale = 0;
        DateTimeOffset? fencedSince = null;
        while (true)
        {
            var route = await RouteAsync(bucket, cancellationToken).ConfigureAwait(false);
            try
            {
                return await work(route, cancellationToken).ConfigureAwait(false);
            }
            catch (ShardBucketMovedException) when (++stale <= MaxStaleRoutes)
            {
                _metrics.StaleRoute(route.Shard.Name);
                LogStaleRoute(_logger, bucket, route.Shard.Name, route.MapVersion);
                await RefreshAsync(route.MapVersion, cancellationToken).ConfigureAwait(false);
            }
            catch (ShardBucketFencedException) when (FenceWaitLeft(ref fencedSince))
            {
                _metrics.FenceWait(route.Shard.Name);
                await Task.Delay(_options.FenceRetryDelay, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _refresh.Dispose();

    private bool FenceWaitLeft(ref DateTimeOffset? fencedSince)
    {
        var now = _timeProvider.GetUtcNow();
        fencedSince ??= now;
        return now - fencedSince.Value < _options.FenceWait;
    }

    private async Task<CachedMap> CheckAsync(long seenVersion, bool force, CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var cached = _cached;

            // Another caller refreshed while this one waited.
            if (cached is not null && (cached.Map.Version > seenVersion || (!force && _timeProvider.GetUtcNow() - cached.CheckedAt < _options.MapCheckInterval)))
            {
                return cached;
            }

            var version = await _catalog.ReadVersionAsync(cancellationToken).ConfigureAwait(false);
            if (cached is not null && version == cached.Map.Version)
            {
                return Cache(cached.Map);
            }

            var map = await _catalog.ReadAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The shard catalog holds no map; call ShardRouter.InitializeAsync at start-up.");
            return Cache(map);
        }
        finally
        {
            _refresh.Release();
        }
    }

    private CachedMap Cache(ShardMap map)
    {
        if (map.BucketCount != BucketCount)
        {
            throw new InvalidOperationException(
                $"The shard catalog holds {map.BucketCount} buckets but {ShardingOptions.SectionName}:{nameof(ShardingOptions.BucketCount)} is {BucketCount}; set it to the catalog's.");
        }

        var previous = _cached?.Map;
        if (previous is null || previous.Version != map.Version)
        {
            var unknown = Enumerable.Range(0, map.BucketCount).Select(map.ShardOf).FirstOrDefault(name => !_shards.ContainsKey(name));
            if (unknown is not null)
            {
                throw new InvalidOperationException($"The shard map (version {map.Version}) names shard '{unknown}', which is not configured; add its connection.");
            }

            var changed = map.CountChanges(previous);
            LogMapChanged(_logger, previous?.Version ?? 0, map.Version, changed, Shards.Count);
            _metrics.MapVersion(map.Version);
        }

        var cached = new CachedMap(map, _timeProvider.GetUtcNow());
        _cached = cached;
        return cached;
    }

    [LoggerMessage(EventId = ShardingEventIds.MapChanged, Level = LogLevel.Information, Message = "Shard map version {FromVersion} -> {ToVersion}: {ChangedBuckets} bucket(s) on a new shard ({ShardCount} shards).")]
    private static partial void LogMapChanged(ILogger logger, long fromVersion, long toVersion, int changedBuckets, int shardCount);

    [LoggerMessage(EventId = ShardingEventIds.StaleRoute, Level = LogLevel.Debug, Message = "Shard {Shard} refused bucket {Bucket} routed by map version {MapVersion}; refreshing the map.")]
    private static partial void LogStaleRoute(ILogger logger, int bucket, string shard, long mapVersion);

    private sealed record CachedMap(ShardMap Map, DateTimeOffset CheckedAt);
}
