using System.Diagnostics.Metrics;

namespace Shop.Catalog.ReadModel;

/// <summary>
/// Meter <c>Shop.Catalog</c>: <c>shop.catalog.cache.loads</c> (counter by <c>kind</c>: product, page) — reads of the
/// product list read model made because the cache had no entry. With one loader per key a flushed cache costs at most
/// one load per hot key however many callers ask at once; the Cache Miss drill reads this counter to prove it.
/// </summary>
internal sealed class CatalogCacheMetrics
{
    public const string MeterName = "Shop.Catalog";

    private static readonly KeyValuePair<string, object?> Product = new("kind", "product");
    private static readonly KeyValuePair<string, object?> Page = new("kind", "page");
    private readonly Counter<long> _loads;

    public CatalogCacheMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _loads = meter.CreateCounter<long>("shop.catalog.cache.loads", description: "Catalogue reads from the database after a cache miss.");
    }

    public void ProductLoaded() => _loads.Add(1, Product);

    public void PageLoaded() => _loads.Add(1, Page);
}
