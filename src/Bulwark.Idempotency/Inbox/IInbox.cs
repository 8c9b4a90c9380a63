using System.Data.Common;

namespace Bulwark.Idempotency;

/// <summary>
/// The consumer side of idempotency: records a message id in the same transaction as the handler's writes, so
/// a redelivered message (the outbox relays at least once) is recognised and skipped, and a handler that rolls
/// back leaves no record behind.
/// </summary>
public interface IInbox
{
    /// <summary>Records <paramref name="messageId"/> for <paramref name="consumer"/> inside the caller's transaction.</summary>
    /// <param name="connection">The handler's open connection.</param>
    /// <param name="transaction">The handler's transaction.</param>
    /// <param name="consumer">The consumer name; each consumer dedupes on its own.</param>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    /// <returns><see langword="true"/> the first time (handle it); <see langword="false"/> for a duplicate (skip it).</returns>
    Task<bool> TryRecordAsync(DbConnection connection, DbTransaction transaction, string consumer, Guid messageId, CancellationToken cancellationToken);
}
