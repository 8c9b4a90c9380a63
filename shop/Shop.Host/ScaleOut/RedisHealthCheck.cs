using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Shop.Host.ScaleOut;

/// <summary>Readiness: the Redis a shop feature depends on answers a PING within the probe's time.</summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis, string usedFor) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return HealthCheckResult.Healthy($"Redis for {usedFor} answers in {latency.TotalMilliseconds:0.0} ms");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Degraded, not unhealthy, when the shop keeps serving without it (fail-open limits, cache in memory):
            // the instance should stay in rotation, and the status still names the missing dependency.
            return new HealthCheckResult(context.Registration.FailureStatus, $"Redis for {usedFor} does not answer: {e.Message}");
        }
    }
}
