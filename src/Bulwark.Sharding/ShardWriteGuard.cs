using System.Data.Common;
using Bulwark.Data;

namespace Bulwark.Sharding;

/// <summary>
/// The <see cref="ISqlWriteGuard"/> a store on a shard runs in each write: the key's bucket must be the shard's
/// (<see cref="SqlShardBuckets.EnterAsync"/>).
/// </summary>
/// <param name="buckets">The shard's bucket records.</param>
/// <param name="bucketOfKey">The bucket of a store key (for an event store, of a stream id: <see cref="ShardedIds.BucketOfStream"/>).</param>
public sealed class ShardWriteGuard(SqlShardBuckets buckets, Func<string, int> bucketOfKey) : ISqlWriteGuard
{
    /// <inheritdoc />
    public ValueTask EnterAsync(DbConnection connection, DbTransaction transaction, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return buckets.EnterAsync(connection, transaction, bucketOfKey(key), key, cancellationToken);
    }
}
