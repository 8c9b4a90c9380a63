using Bulwark.Data.Schema;
using Bulwark.EventSourcing;

namespace Bulwark.Sharding.EventSourcing;

/// <summary>Every shard's event store, migrated together in the host's starting phase.</summary>
public sealed class ShardedEventStreams : ISchemaOwner, IDisposable
{
    /// <summary>Creates each shard's guarded event store; does no I/O.</summary>
    /// <param name="shards">The shards.</param>
    /// <param name="timeProvider">The stores' clock.</param>
    /// <param name="bucketOfStream">The bucket of a stream id; <see cref="ShardedIds.BucketOfStream"/> when <see langword="null"/>.</param>
    public ShardedEventStreams(IReadOnlyList<Shard> shards, TimeProvider timeProvider, Func<string, int>? bucketOfStream = null)
    {
        Stores = ShardedEventStores.Create(shards, timeProvider, bucketOfStream);
    }

    /// <summary>Each shard's event store by shard name.</summary>
    public IReadOnlyDictionary<string, SqlEventStore> Stores { get; }

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        foreach (var store in Stores.Values)
        {
            await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var store in Stores.Values)
        {
            store.Dispose();
        }
    }
}
