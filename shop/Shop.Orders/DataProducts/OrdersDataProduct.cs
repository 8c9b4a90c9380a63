using Bulwark.DataProducts;
using Bulwark.EventSourcing;
using Shop.Infrastructure.DataProducts;
using Shop.Orders.Contracts;
using Shop.Orders.History;

namespace Shop.Orders.DataProducts;

/// <summary>
/// The <c>orders</c> data product, owned by Orders: one row per order from the order lifecycle events in the event log
/// (placed, then confirmed or rejected). The customer id is personal: published as a pseudonym, and a forgotten
/// customer's orders are left out of the next version.
/// </summary>
internal sealed class OrdersDataProduct : DataProduct
{
    public static readonly DataContract Declared = new()
    {
        Id = "orders",
        Name = "Orders",
        Version = "1.0.0",
        Owner = "orders",
        Domain = "sales",
        Description = "Every order the shop accepted, one row per order, with its outcome. Built from the Orders module's own lifecycle events.",
        Freshness = TimeSpan.FromHours(1),
        Fields =
        [
            new("order_id", FieldType.Text, FieldClassification.Internal, "The order's id."),
            new("customer_id", FieldType.Text, FieldClassification.Personal, "The ordering customer (pseudonym: HMAC of the customer id)."),
            new("status", FieldType.Text, FieldClassification.Internal, "Pending, Confirmed or Rejected."),
            new("reject_reason", FieldType.Text, FieldClassification.Internal, "Why a rejected order was rejected.", Required: false),
            new("line_count", FieldType.WholeNumber, FieldClassification.Internal, "How many lines the order has."),
            new("item_count", FieldType.WholeNumber, FieldClassification.Internal, "How many items over all lines."),
            new("total_cents", FieldType.WholeNumber, FieldClassification.Internal, "The order total in the currency's minor unit."),
            new("currency", FieldType.Text, FieldClassification.Public, "ISO 4217 currency code."),
            new("placed_at", FieldType.Timestamp, FieldClassification.Internal, "When the order was placed (UTC)."),
            new("decided_at", FieldType.Timestamp, FieldClassification.Internal, "When it was confirmed or rejected (UTC).", Required: false),
        ],
    };

    private static readonly HashSet<string> Events = ["orders.OrderPlaced", "orders.OrderConfirmed", "orders.OrderRejected"];

    public override DataContract Contract => Declared;

    public override IReadOnlySet<string> SourceEvents => Events;

    public override DataProductProjection StartProjection() => new Projection();

    private sealed class Projection : DataProductProjection
    {
        private readonly Dictionary<Guid, Dictionary<string, object?>> _orders = [];
        private readonly Dictionary<Guid, Guid> _customers = [];

        public override void Apply(RecordedEvent recorded, object domainEvent)
        {
            switch (domainEvent)
            {
                case OrderPlaced placed:
                    _customers[placed.OrderId] = placed.CustomerId;
                    _orders[placed.OrderId] = new(StringComparer.Ordinal)
                    {
                        ["order_id"] = placed.OrderId.ToString("D"),
                        ["customer_id"] = placed.CustomerId.ToString("D"),
                        ["status"] = "Pending",
                        ["line_count"] = (long)placed.Lines.Count,
                        ["item_count"] = placed.Lines.Sum(l => (long)l.Quantity),
                        ["total_cents"] = placed.TotalCents,
                        ["currency"] = placed.Currency,
                        ["placed_at"] = placed.PlacedAt,
                    };
                    break;
                case OrderConfirmedEntry confirmed when _orders.TryGetValue(confirmed.OrderId, out var row):
                    row["status"] = "Confirmed";
                    row["decided_at"] = confirmed.ConfirmedAt;
                    break;
                case OrderRejectedEntry rejected when _orders.TryGetValue(rejected.OrderId, out var row):
                    row["status"] = "Rejected";
                    row["reject_reason"] = rejected.Reason;
                    row["decided_at"] = rejected.RejectedAt;
                    break;
            }
        }

        public override IEnumerable<DataProductRow> Rows() =>
            _orders.Select(o => new DataProductRow(ShopDataProducts.CustomerSubject(_customers[o.Key]), o.Value));
    }
}
