using Microsoft.Extensions.Options;

namespace Bulwark.EventSourcing;

/// <summary>Loads aggregates from their streams (from the latest snapshot when there is one) and appends their new events.</summary>
/// <typeparam name="TAggregate">The aggregate type; its stream is <c>{TypeName}-{id}</c>.</typeparam>
public sealed class AggregateRepository<TAggregate>
    where TAggregate : AggregateRoot, new()
{
    private static readonly string StreamPrefix = typeof(TAggregate).Name + "-";
    private static readonly string SnapshotType = typeof(TAggregate).FullName + ".snapshot";

    private readonly IEventStore _events;
    private readonly ISnapshotStore? _snapshots;
    private readonly EventSerializer _serializer;
    private readonly AggregateRepositoryOptions _options;

    /// <summary>Creates the repository.</summary>
    /// <param name="events">The event store.</param>
    /// <param name="serializer">Event (de)serialization with shredding and upcasting.</param>
    /// <param name="snapshots">The snapshot store; no snapshots when <see langword="null"/>.</param>
    /// <param name="options">Snapshot frequency.</param>
    public AggregateRepository(IEventStore events, EventSerializer serializer, ISnapshotStore? snapshots = null, IOptions<AggregateRepositoryOptions>? options = null)
    {
        _events = events ?? throw new ArgumentNullException(nameof(events));
        _serializer = serializer ?? throw new ArgumentNullException(nameof(serializer));
        _snapshots = snapshots;
        _options = options?.Value ?? new AggregateRepositoryOptions();
    }

    /// <summary>The stream id of aggregate <paramref name="id"/>.</summary>
    /// <param name="id">The aggregate id.</param>
    /// <returns>The stream id.</returns>
    public string StreamId(string id) => StreamPrefix + id;

    /// <summary>Loads the current state.</summary>
    /// <param name="id">The aggregate id.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The aggregate, or <see langword="null"/> when its stream has no events.</returns>
    public Task<TAggregate?> LoadAsync(string id, CancellationToken cancellationToken) => LoadCoreAsync(id, null, useSnapshot: true, cancellationToken);

    /// <summary>Loads the state as it was after event <paramref name="version"/>.</summary>
    /// <param name="id">The aggregate id.</param>
    /// <param name="version">The version to stop at.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The aggregate, or <see langword="null"/>.</returns>
    public Task<TAggregate?> LoadAsOfVersionAsync(string id, long version, CancellationToken cancellationToken) =>
        LoadCoreAsync(id, version, useSnapshot: true, cancellationToken);

    /// <summary>Replays every event from the start, ignoring snapshots (for audits, and to measure what snapshots save).</summary>
    /// <param name="id">The aggregate id.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The aggregate, or <see langword="null"/>.</returns>
    public Task<TAggregate?> LoadWithoutSnapshotAsync(string id, CancellationToken cancellationToken) => LoadCoreAsync(id, null, useSnapshot: false, cancellationToken);

    /// <summary>Loads the state as it was at <paramref name="pointInTime"/> (events recorded at or before it).</summary>
    /// <param name="id">The aggregate id.</param>
    /// <param name="pointInTime">The moment.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The aggregate, or <see langword="null"/> when it did not exist yet.</returns>
    public async Task<TAggregate?> LoadAsOfAsync(string id, DateTimeOffset pointInTime, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var events = await _events.ReadStreamAsync(StreamId(id), 1, null, cancellationToken).ConfigureAwait(false);
        var last = events.LastOrDefault(e => e.RecordedAt <= pointInTime);
        return last is null ? null : await LoadCoreAsync(id, last.Version, useSnapshot: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Appends the aggregate's pending events, expecting the stream unchanged since it was loaded.</summary>
    /// <param name="aggregate">The aggregate (new ones need <see cref="AggregateRoot.Id"/> set via <see cref="Create"/>).</param>
    /// <param name="cancellationToken">Cancels the append.</param>
    /// <returns>The append result (its position can be passed to a projection's read-your-own-writes wait).</returns>
    /// <exception cref="ConcurrencyConflictException">Someone else saved the aggregate first.</exception>
    public async Task<AppendResult> SaveAsync(TAggregate aggregate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        var pending = aggregate.PendingEvents;
        if (pending.Count == 0)
        {
            return new AppendResult(aggregate.Version, 0);
        }

        var expected = aggregate.Version - pending.Count;
        var data = new List<EventData>(pending.Count);
        foreach (var @event in pending)
        {
            data.Add(await _serializer.SerializeAsync(@event, cancellationToken).ConfigureAwait(false));
        }

        var result = await _events.AppendAsync(StreamId(aggregate.Id), expected, data, cancellationToken).ConfigureAwait(false);
        aggregate.ClearPending();
        var every = _options.SnapshotEvery;
        if (_snapshots is not null && every > 0 && aggregate.SupportsSnapshots && result.NextExpectedVersion / every > expected / every)
        {
            await _snapshots.SaveSnapshotAsync(
                new Snapshot(StreamId(aggregate.Id), aggregate.Version, SnapshotType, aggregate.TakeSnapshot(_serializer.JsonOptions)),
                cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>Creates a new, empty aggregate with <paramref name="id"/>, ready for its first command.</summary>
    /// <param name="id">The aggregate id.</param>
    /// <returns>The aggregate.</returns>
    public TAggregate Create(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return new TAggregate { Id = id };
    }

    private async Task<TAggregate?> LoadCoreAsync(string id, long? toVersion, bool useSnapshot, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var aggregate = Create(id);
        var streamId = StreamId(id);
        IReadOnlyList<RecordedEvent> events;
        if (useSnapshot && _snapshots is not null && aggregate.SupportsSnapshots)
        {
            Snapshot? snapshot;

            // One store serving both can read the snapshot and the events after it in one round trip instead of two.
            if (_snapshots is ISnapshotStreamReader reader && ReferenceEquals(reader, _events))
            {
                (snapshot, events) = await reader.ReadFromSnapshotAsync(streamId, SnapshotType, toVersion, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                snapshot = await _snapshots.LoadSnapshotAsync(streamId, toVersion, cancellationToken).ConfigureAwait(false);
                if (snapshot is not null && snapshot.SnapshotType != SnapshotType)
                {
                    snapshot = null;
                }

                events = await _events.ReadStreamAsync(streamId, snapshot is null ? 1 : snapshot.Version + 1, toVersion, cancellationToken).ConfigureAwait(false);
            }

            if (snapshot is not null)
            {
                aggregate.RestoreSnapshot(snapshot.Data, _serializer.JsonOptions);
                aggregate.SetVersion(snapshot.Version);
            }
        }
        else
        {
            events = await _events.ReadStreamAsync(streamId, 1, toVersion, cancellationToken).ConfigureAwait(false);
        }

        foreach (var recorded in events)
        {
            aggregate.Replay(await _serializer.DeserializeAsync(recorded, cancellationToken).ConfigureAwait(false), recorded.Version);
        }

        return aggregate.Version == 0 ? null : aggregate;
    }
}
