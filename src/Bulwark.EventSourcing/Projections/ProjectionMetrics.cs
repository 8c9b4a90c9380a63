using System.Diagnostics.Metrics;

namespace Bulwark.EventSourcing;

/// <summary>
/// The <c>Bulwark.EventSourcing</c> meter: <c>bulwark.projections.lag</c> (events in the log a read model has not
/// applied yet, by <c>projection</c>) and <c>bulwark.projections.position</c>. A lag that keeps growing means a
/// stuck projection (a poison event, a broken read model) even though the service still answers.
/// </summary>
internal sealed class ProjectionMetrics
{
    public const string MeterName = "Bulwark.EventSourcing";

    private readonly Lock _lock = new();
    private readonly List<ProjectionRunner> _runners = [];

    public ProjectionMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        meter.CreateObservableGauge("bulwark.projections.lag", ObserveLag, "{event}", "Events in the log the read model has not applied yet.");
        meter.CreateObservableGauge("bulwark.projections.position", ObservePosition, "{event}", "The log position the read model has reached.");
    }

    public void Track(ProjectionRunner runner)
    {
        lock (_lock)
        {
            _runners.Add(runner);
        }
    }

    private IEnumerable<Measurement<long>> ObserveLag() => Observe(r => r.Lag);

    private IEnumerable<Measurement<long>> ObservePosition() => Observe(r => Math.Max(0, r.Position));

    private List<Measurement<long>> Observe(Func<ProjectionRunner, long> value)
    {
        lock (_lock)
        {
            return [.. _runners.Select(r => new Measurement<long>(value(r), new KeyValuePair<string, object?>("projection", r.ProjectionName)))];
        }
    }
}
