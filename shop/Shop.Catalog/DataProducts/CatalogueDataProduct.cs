using Bulwark.DataProducts;
using Bulwark.EventSourcing;
using Shop.Catalog.Domain;

namespace Shop.Catalog.DataProducts;

/// <summary>
/// The <c>catalogue</c> data product, owned by Catalog: one row per product from the product streams in the event log
/// (listed, price changed), with how often its price moved. No personal data.
/// </summary>
internal sealed class CatalogueDataProduct : DataProduct
{
    public static readonly DataContract Declared = new()
    {
        Id = "catalogue",
        Name = "Catalogue",
        Version = "1.0.0",
        Owner = "catalog",
        Domain = "merchandising",
        Description = "Every product the shop lists with its current price and price history count. Built from the Catalog module's own product events.",
        Freshness = TimeSpan.FromHours(1),
        Fields =
        [
            new("product_id", FieldType.WholeNumber, FieldClassification.Public, "The product's id."),
            new("sku", FieldType.Text, FieldClassification.Public, "The stock keeping unit."),
            new("name", FieldType.Text, FieldClassification.Public, "The product's name."),
            new("category", FieldType.Text, FieldClassification.Public, "The shelf it is on."),
            new("price_cents", FieldType.WholeNumber, FieldClassification.Public, "The current price in the currency's minor unit."),
            new("currency", FieldType.Text, FieldClassification.Public, "ISO 4217 currency code."),
            new("price_changes", FieldType.WholeNumber, FieldClassification.Internal, "How many times the price changed since listing."),
            new("listed_at", FieldType.Timestamp, FieldClassification.Internal, "When the product was listed (UTC, the event's time)."),
        ],
    };

    private static readonly HashSet<string> Events = ["catalog.ProductListed", "catalog.ProductPriceChanged"];

    public override DataContract Contract => Declared;

    public override IReadOnlySet<string> SourceEvents => Events;

    public override DataProductProjection StartProjection() => new Projection();

    private sealed class Projection : DataProductProjection
    {
        private readonly SortedDictionary<int, Dictionary<string, object?>> _products = [];

        public override void Apply(RecordedEvent recorded, object domainEvent)
        {
            switch (domainEvent)
            {
                case ProductListed listed:
                    _products[listed.ProductId] = new(StringComparer.Ordinal)
                    {
                        ["product_id"] = (long)listed.ProductId,
                        ["sku"] = listed.Sku,
                        ["name"] = listed.Name,
                        ["category"] = listed.Category,
                        ["price_cents"] = listed.PriceCents,
                        ["currency"] = listed.Currency,
                        ["price_changes"] = 0L,
                        ["listed_at"] = recorded.RecordedAt,
                    };
                    break;
                case ProductPriceChanged changed when _products.TryGetValue(changed.ProductId, out var row):
                    row["price_cents"] = changed.NewPriceCents;
                    row["price_changes"] = (long)row["price_changes"]! + 1;
                    break;
            }
        }

        public override IEnumerable<DataProductRow> Rows() => _products.Values.Select(p => new DataProductRow(null, p));
    }
}
