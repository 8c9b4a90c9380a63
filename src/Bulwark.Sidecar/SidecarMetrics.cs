using System.Diagnostics.Metrics;
using System.Net;

namespace Bulwark.Sidecar;

/// <summary>
/// The <c>Bulwark.Sidecar</c> meter: <c>bulwark.sidecar.requests</c> by upstream and outcome (the upstream's status
/// class, or why the sidecar answered itself). Breaker state, retries and budget exhaustion come from
/// <c>Bulwark.Resilience</c>; per-attempt latency from HttpClient's own metrics. See docs/sidecar.md#metrics.
/// </summary>
public sealed class SidecarMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Bulwark.Sidecar";

    internal const string CircuitOpen = "circuit_open";
    internal const string BulkheadFull = "bulkhead_full";
    internal const string DeadlineExceeded = "deadline_exceeded";

    private readonly Counter<long> _requests;

    /// <summary>Creates the instruments.</summary>
    /// <param name="meterFactory">The meter factory.</param>
    public SidecarMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("bulwark.sidecar.requests", "{request}", "Requests the sidecar handled, by upstream and outcome.");
    }

    internal void Forwarded(string upstream, HttpStatusCode status) =>
        _requests.Add(1, new("bulwark.upstream", upstream), new("bulwark.outcome", (int)status switch
        {
            < 400 => "ok",
            < 500 => "client_error",
            _ => "server_error",
        }));

    internal void Refused(string upstream, string reason) =>
        _requests.Add(1, new("bulwark.upstream", upstream), new("bulwark.outcome", reason));
}
