namespace Bulwark.EventSourcing;

/// <summary>
/// Builds one read model from the global event log (the query side of CQRS). Events arrive in position order,
/// at least once across crashes, so <see cref="ApplyAsync"/> must be idempotent (an upsert keyed by the event's
/// stream and version, or a check of the position it has reached).
/// </summary>
public interface IProjection
{
    /// <summary>The projection's name; its checkpoint is stored under it.</summary>
    string Name { get; }

    /// <summary>Applies one event to the read model.</summary>
    /// <param name="recorded">The stored event (stream, version, position, time).</param>
    /// <param name="domainEvent">The deserialized event.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task that completes when the read model is updated.</returns>
    Task ApplyAsync(RecordedEvent recorded, object domainEvent, CancellationToken cancellationToken);

    /// <summary>Empties the read model before a rebuild from position 0.</summary>
    /// <param name="cancellationToken">Cancels the reset.</param>
    /// <returns>A task that completes when the read model is empty.</returns>
    Task ResetAsync(CancellationToken cancellationToken);
}

/// <summary>Remembers how far each projection has read the global event log.</summary>
public interface ICheckpointStore
{
    /// <summary>The last position the projection applied (0 when it never ran).</summary>
    /// <param name="projection">The projection name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The position.</returns>
    Task<long> GetCheckpointAsync(string projection, CancellationToken cancellationToken);

    /// <summary>Stores the last position the projection applied.</summary>
    /// <param name="projection">The projection name.</param>
    /// <param name="position">The position.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when stored.</returns>
    Task SaveCheckpointAsync(string projection, long position, CancellationToken cancellationToken);
}
