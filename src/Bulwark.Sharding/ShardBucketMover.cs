using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Sharding;

/// <summary>
/// Moves one bucket between shards while writes continue: copy, catch up until the tail is short, fence (writes to the
/// bucket wait; the fence waits for writes already admitted), copy the last tail, give the bucket to the target and
/// flip the catalog's map, release the source (waiting writers route again), then delete the source's rows. Every step
/// can run again after a crash: copies skip rows already there, and the flip is a compare-and-set on the map version.
/// See docs/sharding.md.
/// </summary>
public sealed partial class ShardBucketMover
{
    private readonly SqlShardCatalog _catalog;
    private readonly ShardRouter _router;
    private readonly IReadOnlyList<IShardBucketData> _data;
    private readonly ShardingOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ShardingMetrics _metrics;
    private readonly ILogger _logger;

    /// <summary>Creates the mover.</summary>
    /// <param name="catalog">The catalog holding the map.</param>
    /// <param name="router">The router (its shards, and its cache refreshed after the flip).</param>
    /// <param name="data">Every kind of data a bucket holds.</param>
    /// <param name="options">The catch-up thresholds.</param>
    /// <param name="timeProvider">The clock for durations.</param>
    /// <param name="metrics">Where moves are recorded.</param>
    /// <param name="logger">Logs each phase.</param>
    public ShardBucketMover(
        SqlShardCatalog catalog, ShardRouter router, IReadOnlyList<IShardBucketData> data, IOptions<ShardingOptions> options, TimeProvider timeProvider, ShardingMetrics metrics, ILogger<ShardBucketMover> logger)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        _catalog = catalog;
        _router = router;
        _data = data;
        _options = options.Value;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Moves <paramref name="bucket"/> to <paramref name="targetShard"/>; nothing to do when it is there already.</summary>
    /// <param name="bucket">The bucket.</param>
    /// <param name="targetShard">The target shard's name.</param>
    /// <param name="cancellationToken">
    /// Cancels the move. Cancelled before the flip, the bucket is unfenced and stays on its source; after the flip, the
    /// source's leftover rows are deleted by running the move again.
    /// </param>
    /// <returns>What the move did.</returns>
    /// <exception cref="ShardMapConflictException">Another move changed the map during this one; the bucket was unfenced.</exception>
    public async Task<BucketMoveResult> MoveAsync(int bucket, string targetShard, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetShard);
        var target = _router.Shards.FirstOrDefault(s => s.Name == targetShard)
            ?? throw new ArgumentException($"There is no shard '{targetShard}'; the shards are {string.Join(", ", _router.Shards.Select(s => s.Name))}.", nameof(targetShard));
        var map = await _catalog.ReadAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The shard catalog holds no map; call ShardRouter.InitializeAsync first.");
        var source = _router.Shards.First(s => s.Name == map.ShardOf(bucket));
        var started = _timeProvider.GetTimestamp();
        if (source == target)
        {
            return new BucketMoveResult(bucket, source.Name, target.Name, map.Version, 0, 0, 0, TimeSpan.Zero, TimeSpan.Zero);
        }

        LogStarted(_logger, bucket, source.Name, target.Name, map.Version);
        long copied = 0;

        // One watermark per kind of data: an event log's positions and a table's commit sequence count different things.
        var watermarks = new long[_data.Count];
        var rounds = 0;
        while (true)
        {
            rounds++;
            var count = await CopyRoundAsync(source, target, bucket, watermarks, cancellationToken).ConfigureAwait(false);
            copied += count;
            if (count <= _options.FenceBelowTail || rounds >= _options.MaxCatchUpRounds)
            {
                break;
            }
        }

        if (!await source.Buckets.FenceAsync(bucket, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Shard '{source.Name}' does not own bucket {bucket} although map version {map.Version} says so; a move may have died after its flip. Read the map and run the move again.");
        }

        var fencedAt = _timeProvider.GetTimestamp();
        LogFenced(_logger, bucket, source.Name, rounds, copied);
        long newVersion;
        try
        {
            // The fence waited for every admitted write, so this round is the last one.
            copied += await CopyRoundAsync(source, target, bucket, watermarks, cancellationToken).ConfigureAwait(false);
            await target.Buckets.ClaimAsync(bucket, map.Version + 1, cancellationToken).ConfigureAwait(false);
            newVersion = await _catalog.AssignAsync(bucket, target.Name, map.Version, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ShardMapConflictException or OperationCanceledException)
        {
            // Before the flip nothing is lost by giving up: the source still owns every row. CancellationToken.None on
            // purpose: the unfence must run even though the caller cancelled.
            await target.Buckets.ReleaseAsync(bucket, map.Version, CancellationToken.None).ConfigureAwait(false);
            await source.Buckets.UnfenceAsync(bucket, CancellationToken.None).ConfigureAwait(false);
            LogAbandoned(_logger, bucket, source.Name, e.GetType().Name);
            throw;
        }

        // After the flip the move must finish: the release tells waiting writers to route again.
        await source.Buckets.ReleaseAsync(bucket, newVersion, CancellationToken.None).ConfigureAwait(false);
        var fenced = _timeProvider.GetElapsedTime(fencedAt);
        await _router.RefreshAsync(map.Version, CancellationToken.None).ConfigureAwait(false);
        LogFlipped(_logger, bucket, target.Name, newVersion, fenced.TotalMilliseconds);

        var keys = await source.Buckets.KeysAsync(bucket, CancellationToken.None).ConfigureAwait(false);
        long deleted = 0;
        foreach (var data in _data)
        {
            deleted += await data.DeleteAsync(source, keys, CancellationToken.None).ConfigureAwait(false);
        }

        await source.Buckets.DeleteKeysAsync(bucket, CancellationToken.None).ConfigureAwait(false);
        var duration = _timeProvider.GetElapsedTime(started);
        _metrics.Moved(duration, fenced);
        LogFinished(_logger, bucket, source.Name, target.Name, duration.TotalMilliseconds, fenced.TotalMilliseconds, copied, deleted);
        return new BucketMoveResult(bucket, source.Name, target.Name, newVersion, copied, rounds, deleted, duration, fenced);
    }

    // The watermarks are read before the keys: a key registered later commits with rows above its watermark, which the
    // next round copies; a key visible now has every row up to the watermark visible too. Each kind of data is copied up
    // to its own watermark, and the next round starts there (watermarks is updated in place).
    private async Task<int> CopyRoundAsync(Shard source, Shard target, int bucket, long[] watermarks, CancellationToken cancellationToken)
    {
        var through = new long[_data.Count];
        for (var i = 0; i < _data.Count; i++)
        {
            through[i] = await _data[i].WatermarkAsync(source, cancellationToken).ConfigureAwait(false);
        }

        var keys = await source.Buckets.KeysAsync(bucket, cancellationToken).ConfigureAwait(false);
        await target.Buckets.AddKeysAsync(bucket, keys, cancellationToken).ConfigureAwait(false);
        var copied = 0;
        for (var i = 0; i < _data.Count; i++)
        {
            copied += await _data[i].CopyAsync(source, target, keys, watermarks[i], through[i], cancellationToken).ConfigureAwait(false);
            watermarks[i] = Math.Max(watermarks[i], through[i]);
        }

        return copied;
    }

    [LoggerMessage(EventId = ShardingEventIds.MoveStarted, Level = LogLevel.Information, Message = "Moving bucket {Bucket} from {Source} to {Target} (map version {MapVersion}).")]
    private static partial void LogStarted(ILogger logger, int bucket, string source, string target, long mapVersion);

    [LoggerMessage(EventId = ShardingEventIds.MoveFenced, Level = LogLevel.Information, Message = "Bucket {Bucket} fenced on {Source} after {Rounds} copy round(s), {Copied} row(s) copied.")]
    private static partial void LogFenced(ILogger logger, int bucket, string source, int rounds, long copied);

    [LoggerMessage(EventId = ShardingEventIds.MoveFlipped, Level = LogLevel.Information, Message = "Bucket {Bucket} now on {Target} (map version {MapVersion}); writes were fenced {FencedMs:F1} ms.")]
    private static partial void LogFlipped(ILogger logger, int bucket, string target, long mapVersion, double fencedMs);

    [LoggerMessage(EventId = ShardingEventIds.MoveFinished, Level = LogLevel.Information, Message = "Moved bucket {Bucket} {Source} -> {Target} in {DurationMs:F1} ms (fenced {FencedMs:F1} ms): {Copied} row(s) copied, {Deleted} deleted from the source.")]
    private static partial void LogFinished(ILogger logger, int bucket, string source, string target, double durationMs, double fencedMs, long copied, long deleted);

    [LoggerMessage(EventId = ShardingEventIds.MoveAbandoned, Level = LogLevel.Warning, Message = "Move of bucket {Bucket} abandoned before its flip ({Reason}); it stays on {Source}, unfenced.")]
    private static partial void LogAbandoned(ILogger logger, int bucket, string source, string reason);
}
