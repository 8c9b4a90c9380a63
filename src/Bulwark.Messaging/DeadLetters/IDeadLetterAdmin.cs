namespace Bulwark.Messaging.DeadLetters;

/// <summary>
/// Operates the dead-letter queue: list, inspect, redrive (one, filtered, all) and purge. Redriven messages keep
/// their id so idempotent consumers stay safe. Mapped over HTTP by <c>MapBulwarkDeadLetters</c>.
/// </summary>
public interface IDeadLetterAdmin
{
    /// <summary>Lists entries, oldest first.</summary>
    /// <param name="filter">Which entries; all (up to the limit) when null.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entries.</returns>
    Task<IReadOnlyList<DeadLetter>> ListAsync(DeadLetterFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>Reads one entry with its body, reason and stack trace.</summary>
    /// <param name="id">The entry id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entry, or null when there is none.</returns>
    Task<DeadLetter?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Redrives one entry.</summary>
    /// <param name="id">The entry id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether an entry was redriven.</returns>
    Task<bool> RedriveAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Redrives every matching entry (all of them with <see cref="DeadLetterFilter.All"/>).</summary>
    /// <param name="filter">Which entries.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many were redriven.</returns>
    Task<int> RedriveAsync(DeadLetterFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Deletes one entry for good.</summary>
    /// <param name="id">The entry id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether an entry was deleted.</returns>
    Task<bool> PurgeAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Deletes every matching entry.</summary>
    /// <param name="filter">Which entries.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many were deleted.</returns>
    Task<int> PurgeAsync(DeadLetterFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Reads the depth and publishes it on the <c>bulwark.messaging.dead_letter.depth</c> gauge.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The depth.</returns>
    Task<long> CountAsync(CancellationToken cancellationToken = default);
}
