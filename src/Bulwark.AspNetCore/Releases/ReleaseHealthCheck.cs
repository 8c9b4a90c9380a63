using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bulwark.AspNetCore.Releases;

/// <summary>Healthy while the folder is the release; degraded once it drifted (the instance still serves, and is due for replacement).</summary>
internal sealed class ReleaseHealthCheck(ReleaseMonitor monitor) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = monitor.Status;
        var data = new Dictionary<string, object>(StringComparer.Ordinal) { ["release"] = status.ReleaseId ?? "unknown" };
        return Task.FromResult(status switch
        {
            { ReleaseId: null } => HealthCheckResult.Healthy(status.Problem ?? "no release manifest", data),
            { Drifted: true } => HealthCheckResult.Degraded(
                $"release {status.ReleaseId} drifted: {status.Drift.Count} file(s) differ, first {status.Drift[0].Path} ({status.Drift[0].Kind})", data: data),
            { DriftDetection: false } => HealthCheckResult.Healthy($"release {status.ReleaseId}; drift detection off", data),
            _ => HealthCheckResult.Healthy($"release {status.ReleaseId}", data),
        });
    }
}
