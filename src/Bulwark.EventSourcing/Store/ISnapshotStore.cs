namespace Bulwark.EventSourcing;

/// <summary>Keeps aggregate snapshots so loading a long stream reads only the events after the latest one.</summary>
public interface ISnapshotStore
{
    /// <summary>Saves a snapshot, replacing none: older snapshots stay for state-as-of reads.</summary>
    /// <param name="snapshot">The snapshot.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when stored.</returns>
    Task SaveSnapshotAsync(Snapshot snapshot, CancellationToken cancellationToken);

    /// <summary>Loads the newest snapshot at or below <paramref name="maxVersion"/>.</summary>
    /// <param name="streamId">The stream.</param>
    /// <param name="maxVersion">The highest version wanted; the newest when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The snapshot, or <see langword="null"/>.</returns>
    Task<Snapshot?> LoadSnapshotAsync(string streamId, long? maxVersion, CancellationToken cancellationToken);
}

/// <summary>An aggregate's state at one version.</summary>
/// <param name="StreamId">The stream.</param>
/// <param name="Version">The version the state includes.</param>
/// <param name="SnapshotType">The snapshot's type name (changing it invalidates old snapshots).</param>
/// <param name="Data">The JSON state.</param>
public sealed record Snapshot(string StreamId, long Version, string SnapshotType, ReadOnlyMemory<byte> Data);

/// <summary>
/// A store holding both snapshots and events, so it can read an aggregate's newest snapshot and the events after it
/// in one round trip; <see cref="AggregateRepository{TAggregate}"/> uses it when one store serves both.
/// </summary>
public interface ISnapshotStreamReader
{
    /// <summary>Reads the newest snapshot of <paramref name="snapshotType"/> at or below <paramref name="toVersion"/> and the events after it.</summary>
    /// <param name="streamId">The stream.</param>
    /// <param name="snapshotType">The snapshot type the caller can restore; snapshots of other types are skipped.</param>
    /// <param name="toVersion">The last version wanted; all when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The snapshot (or <see langword="null"/>) and the events after it, up to <paramref name="toVersion"/>, in version order.</returns>
    Task<SnapshotAndEvents> ReadFromSnapshotAsync(string streamId, string snapshotType, long? toVersion, CancellationToken cancellationToken);
}

/// <summary>A stream read from its newest usable snapshot.</summary>
/// <param name="Snapshot">The snapshot, or <see langword="null"/> when there is none (the events then start at version 1).</param>
/// <param name="Events">The events after the snapshot, in version order.</param>
public sealed record SnapshotAndEvents(Snapshot? Snapshot, IReadOnlyList<RecordedEvent> Events);
