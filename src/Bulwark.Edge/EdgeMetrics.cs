using System.Diagnostics.Metrics;

namespace Bulwark.Edge;

/// <summary>The edge's instruments on the <c>Bulwark.Edge</c> meter.</summary>
internal sealed class EdgeMetrics : IDisposable
{
    public const string MeterName = "Bulwark.Edge";
    private readonly Meter _meter;

    public EdgeMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        StranglerRequests = _meter.CreateCounter<long>("bulwark.edge.strangler.requests", "{request}", "Requests a strangled route sent to each side.");
        StranglerReshaped = _meter.CreateCounter<long>("bulwark.edge.strangler.reshaped", "{response}", "New-side answers of a strangled route with a legacy shape, by outcome (reshaped, not_json, too_large).");
        ShadowComparisons = _meter.CreateCounter<long>("bulwark.edge.shadow.comparisons", "{comparison}", "Shadow comparisons by outcome; the match rate is matched over the total.");
        ReleaseRequests = _meter.CreateCounter<long>("bulwark.edge.release.requests", "{request}", "Requests per release slot and outcome (ok, error).");
        CellRequests = _meter.CreateCounter<long>("bulwark.edge.cells.requests", "{request}", "Customer requests per cell and outcome (answered, notanswered, refused, fenced).");
        ReleaseDecisions = _meter.CreateCounter<long>("bulwark.edge.release.decisions", "{decision}", "Canary analysis decisions by kind.");
        BffScreens = _meter.CreateCounter<long>("bulwark.edge.bff.screens", "{screen}", "BFF screens answered, by BFF, screen and outcome (whole, degraded, failed, limited).");
        BffScreenBytes = _meter.CreateHistogram<int>("bulwark.edge.bff.screen.size", "By", "Bytes of each BFF screen's body, by BFF and screen.");
    }

    public Counter<long> StranglerRequests { get; }

    public Counter<long> StranglerReshaped { get; }

    public Counter<long> ShadowComparisons { get; }

    public Counter<long> ReleaseRequests { get; }

    public Counter<long> ReleaseDecisions { get; }

    public Counter<long> BffScreens { get; }

    public Histogram<int> BffScreenBytes { get; }

    public Counter<long> CellRequests { get; }

    public void Dispose() => _meter.Dispose();
}
