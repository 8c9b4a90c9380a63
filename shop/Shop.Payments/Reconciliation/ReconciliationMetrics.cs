using System.Diagnostics.Metrics;

namespace Shop.Payments.Reconciliation;

/// <summary>
/// Meter <c>Shop.Payments</c>: <c>shop.payments.unreconciled_charges</c> (gauge: payments whose money is not settled,
/// pending or parked — alert when it stays above zero) and <c>shop.payments.reconciliations</c> (counter by
/// <c>outcome</c>: refunded, not_charged, deferred, retry_failed, parked).
/// </summary>
internal sealed class ReconciliationMetrics
{
    public const string MeterName = "Shop.Payments";

    private readonly Counter<long> _outcomes;
    private long _unreconciled;

    public ReconciliationMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _outcomes = meter.CreateCounter<long>("shop.payments.reconciliations", description: "Reconciliation attempts of uncertain or refused-order charges, by outcome.");
        meter.CreateObservableGauge("shop.payments.unreconciled_charges", () => Interlocked.Read(ref _unreconciled), description: "Payments whose money is not settled yet (pending or parked).");
    }

    /// <summary>The last counted number of unsettled payments.</summary>
    public long Unreconciled => Interlocked.Read(ref _unreconciled);

    public void Outcome(string outcome) => _outcomes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void SetUnreconciled(long count) => Interlocked.Exchange(ref _unreconciled, count);
}
