using System.Data.Common;

namespace Bulwark.Idempotency;

/// <summary>
/// The consumer side of message ordering: keeps, per consumer and entity, the highest sequence number applied, in the
/// handler's own transaction. A message older than (or as old as) what was applied is stale and skipped, so a late
/// "created" never overwrites a "cancelled" that overtook it. See <c>docs/messaging.md</c>.
/// </summary>
/// <remarks>
/// Sequence numbers, not a resequencer: nothing is held back waiting for a gap to fill, so a lost or never-sent
/// earlier event cannot stall an entity, and the state settles as soon as the newest event arrives.
/// </remarks>
public interface ISequenceGuard
{
    /// <summary>Advances the entity's high-water mark to <paramref name="sequence"/> when it is newer, inside the caller's transaction.</summary>
    /// <param name="connection">The handler's open connection.</param>
    /// <param name="transaction">The handler's transaction.</param>
    /// <param name="consumer">The consumer name; each consumer keeps its own marks.</param>
    /// <param name="entityKey">The entity the sequence numbers belong to (an order id, an account id).</param>
    /// <param name="sequence">The message's position in the entity's lifecycle, 1 or more, set by the producer.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when the message is newer than anything applied (apply it); <see langword="false"/> when it is stale (skip it).</returns>
    Task<bool> TryAdvanceAsync(DbConnection connection, DbTransaction transaction, string consumer, string entityKey, long sequence, CancellationToken cancellationToken);
}
