namespace Bulwark.Outbox;

/// <summary>
/// The relay's side of the outbox table. Adapters guarantee that while a claim is open no other claim holds a
/// message of the same partition key, so several relays may run at once without breaking per-key order.
/// </summary>
public interface IOutboxStore
{
    /// <summary>Claims up to <paramref name="maxMessages"/> unpublished messages in position order.</summary>
    /// <param name="maxMessages">The batch size.</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    /// <returns>The claim; disposing it without <see cref="IOutboxClaim.CompleteAsync"/> releases every message for a later claim.</returns>
    Task<IOutboxClaim> ClaimAsync(int maxMessages, CancellationToken cancellationToken);

    /// <summary>Counts unpublished messages and finds the oldest one.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The backlog.</returns>
    Task<OutboxBacklog> GetBacklogAsync(CancellationToken cancellationToken);

    /// <summary>Deletes published messages older than <paramref name="publishedBefore"/>.</summary>
    /// <param name="publishedBefore">The retention cut-off.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>How many rows were deleted.</returns>
    Task<int> PurgePublishedAsync(DateTimeOffset publishedBefore, CancellationToken cancellationToken);
}

/// <summary>Messages claimed by one relay, held until completed or disposed.</summary>
public interface IOutboxClaim : IAsyncDisposable
{
    /// <summary>The claimed messages in position order.</summary>
    IReadOnlyList<OutboxMessage> Messages { get; }

    /// <summary>Marks the given messages published and releases the rest of the claim.</summary>
    /// <param name="publishedPositions">Positions of the messages the transport accepted.</param>
    /// <param name="cancellationToken">Cancels the update; the claim is then released unchanged.</param>
    /// <returns>A task that completes when the marks are durable.</returns>
    Task CompleteAsync(IReadOnlyCollection<long> publishedPositions, CancellationToken cancellationToken);
}

/// <summary>The unpublished part of the outbox.</summary>
/// <param name="Pending">How many messages wait for the relay.</param>
/// <param name="OldestCreatedAt">When the oldest waiting message was written; <see langword="null"/> when none wait.</param>
public readonly record struct OutboxBacklog(long Pending, DateTimeOffset? OldestCreatedAt);
