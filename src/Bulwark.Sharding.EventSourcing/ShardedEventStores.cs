using Bulwark.EventSourcing;

namespace Bulwark.Sharding.EventSourcing;

/// <summary>Builds each shard's event store with the shard's write guard.</summary>
public static class ShardedEventStores
{
    /// <summary>
    /// One <see cref="SqlEventStore"/> per shard, keyed by shard name, whose appends check the shard's ownership of the
    /// stream's bucket in their transaction.
    /// </summary>
    /// <param name="shards">The shards.</param>
    /// <param name="timeProvider">The stores' clock.</param>
    /// <param name="bucketOfStream">The bucket of a stream id; <see cref="ShardedIds.BucketOfStream"/> when <see langword="null"/>.</param>
    /// <returns>The stores (the caller migrates and disposes them).</returns>
    public static IReadOnlyDictionary<string, SqlEventStore> Create(IReadOnlyList<Shard> shards, TimeProvider timeProvider, Func<string, int>? bucketOfStream = null)
    {
        ArgumentNullException.ThrowIfNull(shards);
        return shards.ToDictionary(
            shard => shard.Name,
            shard => new SqlEventStore(shard.Database, timeProvider, new ShardWriteGuard(shard.Buckets, bucketOfStream ?? ShardedIds.BucketOfStream)),
            StringComparer.Ordinal);
    }
}
