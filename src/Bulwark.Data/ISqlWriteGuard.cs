using System.Data.Common;

namespace Bulwark.Data;

/// <summary>
/// A check a store runs inside its own write transaction, before it writes anything for <c>key</c>. It lets a concern
/// the store knows nothing about decide in the same transaction as the write: a shard refuses a key whose bucket it no
/// longer owns, or holds it while the bucket is fenced for a move (docs/sharding.md), so no write can commit on the
/// wrong database.
/// </summary>
public interface ISqlWriteGuard
{
    /// <summary>Admits the write of <paramref name="key"/> or throws, leaving the caller to roll back.</summary>
    /// <param name="connection">The store's open connection.</param>
    /// <param name="transaction">The store's write transaction.</param>
    /// <param name="key">What the store is about to write (an event store passes the stream id).</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task that completes when the write may go ahead.</returns>
    ValueTask EnterAsync(DbConnection connection, DbTransaction transaction, string key, CancellationToken cancellationToken);
}
