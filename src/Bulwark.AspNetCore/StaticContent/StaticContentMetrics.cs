using System.Diagnostics.Metrics;

namespace Bulwark.AspNetCore.StaticContent;

/// <summary>
/// Counts the static-content requests that reach this origin. Behind a CDN that keeps what the origin marks cacheable
/// it stays near zero after warm-up; the Physics drill reads it as <c>bulwark_static_origin_requests_total</c>.
/// </summary>
internal sealed class StaticContentMetrics
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Bulwark.StaticContent";

    private readonly Counter<long> _originRequests;

    public StaticContentMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _originRequests = meter.CreateCounter<long>(
            "bulwark.static.origin.requests",
            "{request}",
            "Static-content requests that reached the origin, by outcome: hashed (a content-hashed asset), unhashed (a name without its hash, refused) or unknown (no such asset).");
    }

    public void OriginRequest(string outcome) => _originRequests.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
