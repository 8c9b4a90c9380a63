using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bulwark.ControlRoom.Panels;

/// <summary>
/// Keeps the last report of the host's periodic health publishing, so the page never runs the checks itself: a page
/// refreshing every few seconds must not become load on the very dependencies it watches.
/// </summary>
internal sealed class HealthReportCapture(TimeProvider timeProvider) : IHealthCheckPublisher
{
    private volatile PublishedReport? _last;

    public PublishedReport? Last => _last;

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        _last = new PublishedReport(report, timeProvider.GetUtcNow());
        return Task.CompletedTask;
    }
}

/// <summary>A health report and when it was published.</summary>
internal sealed record PublishedReport(HealthReport Report, DateTimeOffset At);
