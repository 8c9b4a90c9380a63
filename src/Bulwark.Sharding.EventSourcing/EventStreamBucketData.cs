using Bulwark.EventSourcing;

namespace Bulwark.Sharding.EventSourcing;

/// <summary>
/// What a bucket move copies of an event store: the events of the bucket's streams, page by page in the source's
/// position order, imported on the target as they were (ids, versions, recorded-at), skipped when already there.
/// Snapshots are not copied (the target takes new ones as streams grow) but deleted from the source with the events.
/// </summary>
/// <param name="stores">Each shard's event store by shard name.</param>
public sealed class EventStreamBucketData(IReadOnlyDictionary<string, SqlEventStore> stores) : IShardBucketData
{
    // Events per read and import: one transaction on the target each, short enough not to hold its append lock long.
    private const int PageSize = 200;

    /// <inheritdoc />
    public async Task<int> CopyAsync(Shard source, Shard target, IReadOnlyList<string> keys, long afterWatermark, long throughWatermark, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return 0;
        }

        var from = stores[source.Name];
        var to = stores[target.Name];
        var copied = 0;
        var after = afterWatermark;
        while (after < throughWatermark)
        {
            var page = await from.ReadStreamsAsync(keys, after, PageSize, cancellationToken).ConfigureAwait(false);
            var within = page.TakeWhile(e => e.Position <= throughWatermark).ToList();
            if (within.Count > 0)
            {
                await to.ImportAsync(within, cancellationToken).ConfigureAwait(false);
                copied += within.Count;
            }

            if (within.Count < PageSize)
            {
                break;
            }

            after = within[^1].Position;
        }

        return copied;
    }

    /// <inheritdoc />
    public Task<long> WatermarkAsync(Shard source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        return stores[source.Name].GetHeadPositionAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> DeleteAsync(Shard source, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        return stores[source.Name].DeleteStreamsAsync(keys, cancellationToken);
    }
}
