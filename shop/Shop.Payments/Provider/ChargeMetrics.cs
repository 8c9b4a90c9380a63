using System.Diagnostics.Metrics;
using Shop.Payments.Contracts;
using Shop.Payments.Reconciliation;

namespace Shop.Payments.Provider;

/// <summary>
/// Meter <c>Shop.Payments</c>: <c>shop.payments.charges</c> (counter by <c>outcome</c>: charged, declined, unavailable),
/// scraped as <c>shop_payments_charges_total</c>. What the business sees of this process's payments: the edge's canary
/// analysis compares its declined or failed share between two release slots (docs/edge.md).
/// </summary>
internal sealed class ChargeMetrics
{
    private readonly Counter<long> _charges;

    public ChargeMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ReconciliationMetrics.MeterName);
        _charges = meter.CreateCounter<long>("shop.payments.charges", description: "Charges by outcome (charged, declined, unavailable).");
    }

    public void Outcome(PaymentOutcome outcome) => _charges.Add(1, new KeyValuePair<string, object?>("outcome", outcome switch
    {
        PaymentOutcome.Charged => "charged",
        PaymentOutcome.Declined => "declined",
        _ => "unavailable",
    }));
}
