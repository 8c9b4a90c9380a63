using Bulwark.EventSourcing;

namespace Shop.Catalog.Domain;

/// <summary>A product entered the catalogue (stream <c>Product-{id}</c>, version 1).</summary>
internal sealed record ProductListed(int ProductId, string Sku, string Name, string Description, string Category, long PriceCents, string Currency);

/// <summary>A product's price changed; the old price is kept so the log alone explains every price a customer saw.</summary>
internal sealed record ProductPriceChanged(int ProductId, long OldPriceCents, long NewPriceCents);

/// <summary>
/// The catalogue's write model: a product is the fold of its events. Commands check the rules here; the product list
/// clients read is a separate read model built from the same events (<see cref="ReadModel.ProductListProjection"/>).
/// </summary>
internal sealed class Product : AggregateRoot
{
    /// <summary>The highest price the shop accepts, in cents: a typo of three zeros must not reach the shelf.</summary>
    public const long MaxPriceCents = 10_000_000;

    public int ProductId { get; private set; }

    public long PriceCents { get; private set; }

    public string Currency { get; private set; } = "EUR";

    public static string IdOf(int productId) => productId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void List(ProductListed listed)
    {
        if (Version != 0)
        {
            throw new InvalidOperationException($"Product {Id} is already listed.");
        }

        Raise(listed);
    }

    /// <summary>Changes the price; the same price again is no change and raises nothing.</summary>
    public void ChangePrice(long newPriceCents)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(newPriceCents);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(newPriceCents, MaxPriceCents);
        if (newPriceCents != PriceCents)
        {
            Raise(new ProductPriceChanged(ProductId, PriceCents, newPriceCents));
        }
    }

    protected override void Apply(object domainEvent)
    {
        switch (domainEvent)
        {
            case ProductListed listed:
                ProductId = listed.ProductId;
                PriceCents = listed.PriceCents;
                Currency = listed.Currency;
                break;
            case ProductPriceChanged changed:
                PriceCents = changed.NewPriceCents;
                break;
        }
    }
}
