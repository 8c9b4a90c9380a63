using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Bulwark.AspNetCore.Health;

/// <summary>
/// Reports unhealthy once the host starts stopping, so the load balancer stops sending new requests while
/// in-flight ones finish.
/// </summary>
public sealed class DrainingHealthCheck : IHealthCheck
{
    private readonly IHostApplicationLifetime _lifetime;

    /// <summary>Creates the check.</summary>
    public DrainingHealthCheck(IHostApplicationLifetime lifetime) => _lifetime = lifetime;

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("draining: the host is shutting down")
            : HealthCheckResult.Healthy());
}
