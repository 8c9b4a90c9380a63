using System.Diagnostics.Metrics;

namespace Bulwark.Outbox;

/// <summary>
/// The <c>Bulwark.Outbox</c> meter: throughput, failures, publish lag and backlog age, each tagged with the relay's
/// <c>store</c> (<see cref="OutboxRelay.DefaultStoreName"/> for the one outbox; a shard's name when a process relays several).
/// </summary>
internal sealed class OutboxMetrics : IDisposable
{
    public const string MeterName = "Bulwark.Outbox";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _published;
    private readonly Counter<long> _failed;
    private readonly Histogram<double> _lag;
    private readonly KeyValuePair<string, object?> _store;
    private long _pending;
    private double _oldestAgeSeconds;

    public OutboxMetrics(IMeterFactory? meterFactory, string store)
    {
        _store = new KeyValuePair<string, object?>("store", store);
        // A factory-made meter is shared and owned by the factory; only a private one is ours to dispose.
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _published = _meter.CreateCounter<long>("bulwark.outbox.published", "{message}", "Messages the relay published.");
        _failed = _meter.CreateCounter<long>("bulwark.outbox.publish_failures", "{message}", "Publish attempts the transport rejected.");
        _lag = _meter.CreateHistogram<double>("bulwark.outbox.lag", "s", "Time from the business commit to the publish.");
        _meter.CreateObservableGauge("bulwark.outbox.backlog", () => new Measurement<long>(Volatile.Read(ref _pending), _store), "{message}", "Messages waiting for the relay.");
        _meter.CreateObservableGauge("bulwark.outbox.backlog.age", () => new Measurement<double>(Volatile.Read(ref _oldestAgeSeconds), _store), "s", "Age of the oldest waiting message.");
    }

    public void Published(string topic, TimeSpan lag)
    {
        var tag = new KeyValuePair<string, object?>("topic", topic);
        _published.Add(1, tag, _store);
        _lag.Record(Math.Max(0, lag.TotalSeconds), tag, _store);
    }

    public void PublishFailed(string topic) => _failed.Add(1, new KeyValuePair<string, object?>("topic", topic), _store);

    public void Backlog(OutboxBacklog backlog, DateTimeOffset now)
    {
        Volatile.Write(ref _pending, backlog.Pending);
        Volatile.Write(ref _oldestAgeSeconds, backlog.OldestCreatedAt is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : 0);
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
