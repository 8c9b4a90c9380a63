using Bulwark.EventSourcing;

namespace Bulwark.Sharding.EventSourcing;

/// <summary>
/// Event streams spread over shards by their aggregate id's bucket (<see cref="ShardedIds"/>). Each shard keeps an
/// ordinary <see cref="SqlEventStore"/> whose appends run the shard's ownership check in their transaction, so an append
/// routed by an old map or into a fenced bucket writes nothing and is routed again (<see cref="IShardRouter.RunAsync"/>).
/// Positions are per shard: there is no global order to read, so <see cref="ReadAllAsync"/> is not supported (project
/// per shard). See docs/sharding.md.
/// </summary>
public sealed class ShardedEventStore : IEventStore, ISnapshotStore, ISnapshotStreamReader
{
    private readonly IShardRouter _router;
    private readonly IReadOnlyDictionary<string, SqlEventStore> _stores;
    private readonly Func<string, int> _bucketOfStream;

    /// <summary>Creates the store over the shards' event stores; does no I/O.</summary>
    /// <param name="router">Routes a stream's bucket to its shard.</param>
    /// <param name="stores">Each shard's event store by shard name, built with its <see cref="ShardWriteGuard"/> (<see cref="ShardedEventStores.Create"/>).</param>
    /// <param name="bucketOfStream">The bucket of a stream id; <see cref="ShardedIds.BucketOfStream"/> when <see langword="null"/>.</param>
    public ShardedEventStore(IShardRouter router, IReadOnlyDictionary<string, SqlEventStore> stores, Func<string, int>? bucketOfStream = null)
    {
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(stores);
        _router = router;
        _stores = stores;
        _bucketOfStream = bucketOfStream ?? ShardedIds.BucketOfStream;
    }

    /// <inheritdoc />
    public Task<AppendResult> AppendAsync(string streamId, long expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken) =>
        _router.RunAsync(_bucketOfStream(streamId), (route, token) => StoreOf(route).AppendAsync(streamId, expectedVersion, events, token), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion, long? toVersion, CancellationToken cancellationToken) =>
        ReadAsync(streamId, (store, token) => store.ReadStreamAsync(streamId, fromVersion, toVersion, token), events => events.Count == 0, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterPosition, int maxCount, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Sharded streams have a position per shard, not one order: read each shard's SqlEventStore (ShardedEventStores) to project.");

    /// <inheritdoc />
    public Task<long> GetHeadPositionAsync(CancellationToken cancellationToken) =>
        throw new NotSupportedException("Sharded streams have a head position per shard: ask each shard's SqlEventStore.");

    /// <inheritdoc />
    public async Task SaveSnapshotAsync(Snapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var route = await _router.RouteAsync(_bucketOfStream(snapshot.StreamId), cancellationToken).ConfigureAwait(false);

        // A snapshot is an optimisation beside its stream: one written to a shard the bucket just left is deleted with
        // the bucket's rows, or ignored, and the stream still loads from its events.
        await StoreOf(route).SaveSnapshotAsync(snapshot, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<Snapshot?> LoadSnapshotAsync(string streamId, long? maxVersion, CancellationToken cancellationToken) =>
        ReadAsync(streamId, (store, token) => store.LoadSnapshotAsync(streamId, maxVersion, token), snapshot => snapshot is null, cancellationToken);

    /// <inheritdoc />
    public Task<SnapshotAndEvents> ReadFromSnapshotAsync(string streamId, string snapshotType, long? toVersion, CancellationToken cancellationToken) =>
        ReadAsync(streamId, (store, token) => store.ReadFromSnapshotAsync(streamId, snapshotType, toVersion, token), read => read.Snapshot is null && read.Events.Count == 0, cancellationToken);

    private SqlEventStore StoreOf(ShardRoute route) => _stores[route.Shard.Name];

    // Reads take no lock: a read routed by a map older than a move finds the stream missing once the source deleted it,
    // so an empty answer asks the catalog once whether the bucket moved. A read served by the source just before the
    // flip can be a few events behind; the append that follows it is checked, and answers a concurrency conflict.
    private async Task<T> ReadAsync<T>(string streamId, Func<SqlEventStore, CancellationToken, Task<T>> read, Func<T, bool> isEmpty, CancellationToken cancellationToken)
    {
        var bucket = _bucketOfStream(streamId);
        var route = await _router.RouteAsync(bucket, cancellationToken).ConfigureAwait(false);
        var result = await read(StoreOf(route), cancellationToken).ConfigureAwait(false);
        if (!isEmpty(result))
        {
            return result;
        }

        var map = await _router.RefreshAsync(route.MapVersion, cancellationToken).ConfigureAwait(false);
        return map.ShardOf(bucket) == route.Shard.Name
            ? result
            : await read(_stores[map.ShardOf(bucket)], cancellationToken).ConfigureAwait(false);
    }
}
