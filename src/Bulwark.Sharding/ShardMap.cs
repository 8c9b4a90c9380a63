namespace Bulwark.Sharding;

/// <summary>
/// One version of the map from virtual buckets to shards, as the catalog held it. Immutable: a move makes a new
/// version, and a route carries the version it was made with so a shard's refusal can ask for a newer one.
/// </summary>
public sealed class ShardMap
{
    private readonly string[] _shardOfBucket;

    /// <summary>Creates a map.</summary>
    /// <param name="version">The catalog's version of it (1 when first seeded, one more per change).</param>
    /// <param name="shardOfBucket">The shard name of each bucket, bucket 0 first.</param>
    public ShardMap(long version, IReadOnlyList<string> shardOfBucket)
    {
        ArgumentNullException.ThrowIfNull(shardOfBucket);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        Version = version;
        _shardOfBucket = [.. shardOfBucket];
    }

    /// <summary>The catalog's version of the map.</summary>
    public long Version { get; }

    /// <summary>The number of buckets.</summary>
    public int BucketCount => _shardOfBucket.Length;

    /// <summary>The shard that owns <paramref name="bucket"/> in this version.</summary>
    /// <param name="bucket">The bucket.</param>
    /// <returns>The shard name.</returns>
    public string ShardOf(int bucket) => _shardOfBucket[bucket];

    /// <summary>The buckets <paramref name="shard"/> owns in this version.</summary>
    /// <param name="shard">The shard name.</param>
    /// <returns>The buckets, ascending.</returns>
    public IReadOnlyList<int> BucketsOf(string shard) =>
        Enumerable.Range(0, _shardOfBucket.Length).Where(b => string.Equals(_shardOfBucket[b], shard, StringComparison.Ordinal)).ToArray();

    /// <summary>How many buckets differ from <paramref name="other"/> (for the log line of a map change).</summary>
    /// <param name="other">The older map.</param>
    /// <returns>The number of buckets that changed shard.</returns>
    public int CountChanges(ShardMap? other) =>
        other is null || other.BucketCount != BucketCount
            ? BucketCount
            : Enumerable.Range(0, BucketCount).Count(b => !string.Equals(_shardOfBucket[b], other._shardOfBucket[b], StringComparison.Ordinal));
}
