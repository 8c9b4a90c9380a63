namespace Bulwark.Messaging.DeadLetters;

/// <summary>The transport-side dead-letter queue. Applications use <see cref="IDeadLetterAdmin"/>.</summary>
public interface IDeadLetterStore
{
    /// <summary>Lists entries, oldest first.</summary>
    /// <param name="filter">Which entries.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entries (at most <see cref="DeadLetterFilter.Limit"/>).</returns>
    Task<IReadOnlyList<DeadLetter>> ListAsync(DeadLetterFilter filter, CancellationToken cancellationToken);

    /// <summary>Moves matching entries back to their source queues with their original message ids and attempt 0.</summary>
    /// <param name="filter">Which entries.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many were redriven.</returns>
    Task<int> RedriveAsync(DeadLetterFilter filter, CancellationToken cancellationToken);

    /// <summary>Deletes matching entries for good.</summary>
    /// <param name="filter">Which entries.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many were deleted.</returns>
    Task<int> PurgeAsync(DeadLetterFilter filter, CancellationToken cancellationToken);

    /// <summary>How many entries the dead-letter queue holds.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The depth.</returns>
    Task<long> CountAsync(CancellationToken cancellationToken);
}
