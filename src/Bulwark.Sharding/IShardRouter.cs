namespace Bulwark.Sharding;

/// <summary>
/// Routes a key to its shard: key → bucket by <see cref="ShardHash"/>, bucket → shard by the cached
/// <see cref="ShardMap"/>. Callers that a shard refuses with <see cref="ShardBucketMovedException"/> ask for a map
/// newer than the one their route used (<see cref="RefreshAsync"/>) and route again. See docs/sharding.md.
/// </summary>
public interface IShardRouter
{
    /// <summary>The number of buckets.</summary>
    int BucketCount { get; }

    /// <summary>Every shard, in configuration order (for scatter-gather queries).</summary>
    IReadOnlyList<Shard> Shards { get; }

    /// <summary>The map routes use now (<see langword="null"/> before the first route).</summary>
    ShardMap? CurrentMap { get; }

    /// <summary>The bucket of a shard key.</summary>
    /// <param name="key">The key (a customer id's text).</param>
    /// <returns>The bucket.</returns>
    int BucketOf(string key);

    /// <summary>The shard owning <paramref name="bucket"/> by the cached map (loaded or checked when older than the check interval).</summary>
    /// <param name="bucket">The bucket.</param>
    /// <param name="cancellationToken">Cancels a catalog read.</param>
    /// <returns>The route.</returns>
    ValueTask<ShardRoute> RouteAsync(int bucket, CancellationToken cancellationToken);

    /// <summary>Reloads the map from the catalog unless the cached one is already newer than <paramref name="staleVersion"/>.</summary>
    /// <param name="staleVersion">The version a refused route used.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The map now cached.</returns>
    ValueTask<ShardMap> RefreshAsync(long staleVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Runs a unit of work on the shard owning <paramref name="bucket"/>: routed again on a fresher map when the shard
    /// refuses a stale route, tried again while the bucket is fenced for a move (up to
    /// <see cref="ShardingOptions.FenceWait"/>). The work must write nothing when it throws either refusal; a shard's
    /// write guard makes that so.
    /// </summary>
    /// <typeparam name="T">The result.</typeparam>
    /// <param name="bucket">The bucket.</param>
    /// <param name="work">The work, given its route.</param>
    /// <param name="cancellationToken">Cancels the work and the waits.</param>
    /// <returns>The work's result.</returns>
    /// <exception cref="ShardBucketFencedException">The bucket stayed fenced longer than the wait allows.</exception>
    Task<T> RunAsync<T>(int bucket, Func<ShardRoute, CancellationToken, Task<T>> work, CancellationToken cancellationToken);
}
