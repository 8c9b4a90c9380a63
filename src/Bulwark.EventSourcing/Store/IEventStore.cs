namespace Bulwark.EventSourcing;

/// <summary>
/// Append-only event streams with optimistic concurrency and one global, gap-free commit order (the position)
/// that projections follow. See <c>docs/data-consistency.md</c>.
/// </summary>
public interface IEventStore
{
    /// <summary>Appends events if the stream is still at <paramref name="expectedVersion"/>.</summary>
    /// <param name="streamId">The stream (one aggregate).</param>
    /// <param name="expectedVersion">The version the caller read (0 for a new stream), or <see cref="ExpectedVersion.Any"/>.</param>
    /// <param name="events">The events, in order.</param>
    /// <param name="cancellationToken">Cancels the append.</param>
    /// <returns>The stream's new version and the position of the last event.</returns>
    /// <exception cref="ConcurrencyConflictException">Another writer appended first.</exception>
    Task<AppendResult> AppendAsync(string streamId, long expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken);

    /// <summary>Reads a stream's events with versions in [<paramref name="fromVersion"/>, <paramref name="toVersion"/>].</summary>
    /// <param name="streamId">The stream.</param>
    /// <param name="fromVersion">The first version (1 is the first event).</param>
    /// <param name="toVersion">The last version; all when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The events in version order.</returns>
    Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion, long? toVersion, CancellationToken cancellationToken);

    /// <summary>Reads up to <paramref name="maxCount"/> events of all streams after <paramref name="afterPosition"/>.</summary>
    /// <param name="afterPosition">The last position already seen (0 to start).</param>
    /// <param name="maxCount">The page size.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The events in position order.</returns>
    Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterPosition, int maxCount, CancellationToken cancellationToken);

    /// <summary>The position of the newest event (0 when empty).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The head position.</returns>
    Task<long> GetHeadPositionAsync(CancellationToken cancellationToken);
}

/// <summary>Special values of an append's expected version.</summary>
public static class ExpectedVersion
{
    /// <summary>The stream must not exist yet.</summary>
    public const long NoStream = 0;

    /// <summary>No concurrency check (use only for streams with a single writer).</summary>
    public const long Any = -1;
}

/// <summary>An event to append.</summary>
/// <param name="EventId">The event's unique id.</param>
/// <param name="EventType">The registered type name including its schema version (e.g. <c>WalletDeposited.v2</c>).</param>
/// <param name="Data">The JSON body.</param>
/// <param name="Metadata">Optional JSON metadata (correlation, causation, actor).</param>
public sealed record EventData(Guid EventId, string EventType, ReadOnlyMemory<byte> Data, ReadOnlyMemory<byte> Metadata = default);

/// <summary>An event as stored.</summary>
/// <param name="StreamId">Its stream.</param>
/// <param name="Version">Its version in the stream (1-based).</param>
/// <param name="Position">Its global position (commit order).</param>
/// <param name="EventId">Its unique id.</param>
/// <param name="EventType">Its type name with schema version.</param>
/// <param name="Data">The JSON body.</param>
/// <param name="Metadata">The JSON metadata, empty when none.</param>
/// <param name="RecordedAt">When it was appended.</param>
public sealed record RecordedEvent(string StreamId, long Version, long Position, Guid EventId, string EventType, ReadOnlyMemory<byte> Data, ReadOnlyMemory<byte> Metadata, DateTimeOffset RecordedAt);

/// <summary>The outcome of an append.</summary>
/// <param name="NextExpectedVersion">The stream's version after the append.</param>
/// <param name="LastPosition">The global position of the last appended event.</param>
public readonly record struct AppendResult(long NextExpectedVersion, long LastPosition);

/// <summary>Another writer appended to the stream between the caller's read and its append.</summary>
public sealed class ConcurrencyConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="streamId">The stream.</param>
    /// <param name="expectedVersion">The version the caller expected.</param>
    /// <param name="actualVersion">The version the stream is at.</param>
    public ConcurrencyConflictException(string streamId, long expectedVersion, long actualVersion)
        : base($"Stream '{streamId}' is at version {actualVersion}, not the expected {expectedVersion}: another writer got there first. Reload and retry the command.")
    {
        StreamId = streamId;
        ExpectedVersion = expectedVersion;
        ActualVersion = actualVersion;
    }

    /// <summary>Creates the exception.</summary>
    public ConcurrencyConflictException()
        : this(string.Empty, 0, 0)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public ConcurrencyConflictException(string message)
        : base(message)
    {
        StreamId = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ConcurrencyConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
        StreamId = string.Empty;
    }

    /// <summary>The stream.</summary>
    public string StreamId { get; }

    /// <summary>The version the caller expected.</summary>
    public long ExpectedVersion { get; }

    /// <summary>The version the stream is at.</summary>
    public long ActualVersion { get; }
}
