using System.Data.Common;

namespace Bulwark.Outbox;

/// <summary>
/// Writes events into the outbox table inside the caller's own transaction, so the business rows and the event
/// commit or vanish together (the dual-write problem solved by the database).
/// </summary>
public interface IOutbox
{
    /// <summary>Inserts one message using <paramref name="connection"/> and <paramref name="transaction"/>; nothing is committed here.</summary>
    /// <param name="connection">The open connection of the business write; it must belong to this outbox's database.</param>
    /// <param name="transaction">The business transaction the message joins.</param>
    /// <param name="topic">Where the message goes.</param>
    /// <param name="partitionKey">Messages with the same key are relayed in order (e.g. the aggregate id).</param>
    /// <param name="payload">The serialized event.</param>
    /// <param name="options">Optional message id, content type and headers.</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    /// <returns>The stored message with its position.</returns>
    Task<OutboxMessage> EnqueueAsync(
        DbConnection connection,
        DbTransaction transaction,
        string topic,
        string partitionKey,
        ReadOnlyMemory<byte> payload,
        OutboxEnqueueOptions? options = null,
        CancellationToken cancellationToken = default);
}
