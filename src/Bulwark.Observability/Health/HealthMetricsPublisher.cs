using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Bulwark.Observability.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Bulwark.Observability.Health;

/// <summary>
/// Publishes every health check's last result as the <c>bulwark.health.status</c> gauge (0 unhealthy, 1 degraded,
/// 2 healthy; labels <c>check</c> and <c>ready</c>), so "readiness failing" is an alert on a metric rather than on
/// whoever happens to call the probe.
/// </summary>
internal sealed class HealthMetricsPublisher : IHealthCheckPublisher
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Bulwark.Health";

    /// <summary>The gauge's name.</summary>
    public const string StatusInstrument = "bulwark.health.status";

    private readonly ConcurrentDictionary<string, (int Status, bool Ready)> _last = new(StringComparer.Ordinal);
    private readonly string _readinessTag;

    public HealthMetricsPublisher(IMeterFactory meterFactory, IOptions<BulwarkObservabilityOptions> options)
    {
        _readinessTag = options.Value.ReadinessTag;
        meterFactory.Create(MeterName).CreateObservableGauge(
            StatusInstrument,
            Observe,
            "{status}",
            "Last result of each health check: 0 unhealthy, 1 degraded, 2 healthy.");
    }

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        foreach (var (name, entry) in report.Entries)
        {
            _last[name] = ((int)entry.Status, entry.Tags.Contains(_readinessTag));
        }

        return Task.CompletedTask;
    }

    private IEnumerable<Measurement<int>> Observe()
    {
        foreach (var (name, (status, ready)) in _last)
        {
            yield return new Measurement<int>(
                status,
                new KeyValuePair<string, object?>("check", name),
                new KeyValuePair<string, object?>("ready", ready ? "true" : "false"));
        }
    }
}
