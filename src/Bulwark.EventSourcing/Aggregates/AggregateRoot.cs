using System.Text.Json;

namespace Bulwark.EventSourcing;

/// <summary>
/// An aggregate whose state is the fold of its events: commands call <see cref="Raise"/>, which applies the event
/// through <see cref="Apply"/> and queues it for <see cref="AggregateRepository{TAggregate}.SaveAsync"/>.
/// </summary>
public abstract class AggregateRoot
{
    private readonly List<object> _pending = [];

    /// <summary>The aggregate's id (the stream is named after it).</summary>
    public string Id { get; internal set; } = string.Empty;

    /// <summary>How many events the state includes, pending ones too.</summary>
    public long Version { get; private set; }

    /// <summary>Events raised since the last save.</summary>
    public IReadOnlyList<object> PendingEvents => _pending;

    /// <summary>Applies a new event to the state and queues it for saving.</summary>
    /// <param name="event">The event.</param>
    protected void Raise(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        Apply(@event);
        Version++;
        _pending.Add(@event);
    }

    /// <summary>Changes the state for one event; must not fail or have side effects (it also runs on replay).</summary>
    /// <param name="domainEvent">The event.</param>
    protected abstract void Apply(object domainEvent);

    internal void Replay(object @event, long version)
    {
        Apply(@event);
        Version = version;
    }

    internal void SetVersion(long version) => Version = version;

    internal void ClearPending() => _pending.Clear();

    internal virtual bool SupportsSnapshots => false;

    internal virtual ReadOnlyMemory<byte> TakeSnapshot(JsonSerializerOptions json) => throw new NotSupportedException();

    internal virtual void RestoreSnapshot(ReadOnlyMemory<byte> data, JsonSerializerOptions json) => throw new NotSupportedException();
}

/// <summary>An aggregate that can be snapshotted, so loading it reads only the events after the latest snapshot.</summary>
/// <typeparam name="TSnapshot">The serializable state.</typeparam>
public abstract class AggregateRoot<TSnapshot> : AggregateRoot
    where TSnapshot : class
{
    /// <summary>Captures the current state.</summary>
    /// <returns>The snapshot.</returns>
    protected abstract TSnapshot ToSnapshot();

    /// <summary>Restores the state from a snapshot.</summary>
    /// <param name="snapshot">The snapshot.</param>
    protected abstract void FromSnapshot(TSnapshot snapshot);

    internal override bool SupportsSnapshots => true;

    internal override ReadOnlyMemory<byte> TakeSnapshot(JsonSerializerOptions json) => JsonSerializer.SerializeToUtf8Bytes(ToSnapshot(), json);

    internal override void RestoreSnapshot(ReadOnlyMemory<byte> data, JsonSerializerOptions json) =>
        FromSnapshot(JsonSerializer.Deserialize<TSnapshot>(data.Span, json) ?? throw new InvalidOperationException("A snapshot deserialized to null."));
}
