using Bulwark.DataProducts;
using Bulwark.EventSourcing;
using Shop.Payments.Ledger;

namespace Shop.Payments.DataProducts;

/// <summary>
/// The <c>payments</c> data product, owned by Payments: one row per payment with a definite answer, from the payments
/// ledger in the event log. No card data: the token is never recorded. Refunds count whenever they were settled: at
/// once, or later by the background reconciler (both record <see cref="ChargeRefunded"/>).
/// </summary>
internal sealed class PaymentsDataProduct : DataProduct
{
    public static readonly DataContract Declared = new()
    {
        Id = "payments",
        Name = "Payments",
        Version = "1.0.0",
        Owner = "payments",
        Domain = "finance",
        Description = "Every charge the payment provider answered (charged or declined) and whether it was refunded. Built from the Payments module's own ledger events.",
        Freshness = TimeSpan.FromHours(1),
        Fields =
        [
            new("payment_id", FieldType.Text, FieldClassification.Internal, "The payment's id (the provider's idempotency key)."),
            new("order_reference", FieldType.Text, FieldClassification.Internal, "The order the payment is for."),
            new("outcome", FieldType.Text, FieldClassification.Internal, "Charged or Declined."),
            new("charge_id", FieldType.Text, FieldClassification.Internal, "The provider's charge id, when charged.", Required: false),
            new("amount_cents", FieldType.WholeNumber, FieldClassification.Internal, "The amount in the currency's minor unit."),
            new("currency", FieldType.Text, FieldClassification.Public, "ISO 4217 currency code."),
            new("refunded", FieldType.Boolean, FieldClassification.Internal, "Whether the charge was refunded."),
            new("answered_at", FieldType.Timestamp, FieldClassification.Internal, "When the provider answered (UTC)."),
        ],
    };

    private static readonly HashSet<string> Events = ["payments.PaymentCharged", "payments.PaymentDeclined", "payments.ChargeRefunded"];

    public override DataContract Contract => Declared;

    public override IReadOnlySet<string> SourceEvents => Events;

    public override DataProductProjection StartProjection() => new Projection();

    private sealed class Projection : DataProductProjection
    {
        private readonly Dictionary<string, Dictionary<string, object?>> _payments = new(StringComparer.Ordinal);
        private readonly HashSet<string> _refunded = new(StringComparer.Ordinal);

        public override void Apply(RecordedEvent recorded, object domainEvent)
        {
            switch (domainEvent)
            {
                case PaymentCharged charged:
                    _payments[charged.PaymentId] = Row(charged.PaymentId, charged.Reference, "Charged", charged.ChargeId, charged.AmountCents, charged.Currency, charged.At);
                    break;
                case PaymentDeclined declined:
                    _payments[declined.PaymentId] = Row(declined.PaymentId, declined.Reference, "Declined", null, declined.AmountCents, declined.Currency, declined.At);
                    break;
                case ChargeRefunded refunded:
                    // A refund may be recorded before its charge when two payments race; applied when the rows are read.
                    _refunded.Add(refunded.ChargeId);
                    break;
            }
        }

        public override IEnumerable<DataProductRow> Rows() => _payments.Values.Select(p =>
        {
            p["refunded"] = p["charge_id"] is string charge && _refunded.Contains(charge);
            return new DataProductRow(null, p);
        });

        private static Dictionary<string, object?> Row(string paymentId, string reference, string outcome, string? chargeId, long amount, string currency, DateTimeOffset at) => new(StringComparer.Ordinal)
        {
            ["payment_id"] = paymentId,
            ["order_reference"] = reference,
            ["outcome"] = outcome,
            ["charge_id"] = chargeId,
            ["amount_cents"] = amount,
            ["currency"] = currency,
            ["refunded"] = false,
            ["answered_at"] = at,
        };
    }
}
