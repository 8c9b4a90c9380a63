using Shop.Catalog.Contracts;
using ZiggyCreatures.Caching.Fusion;

namespace Shop.Catalog.ReadModel;

/// <summary>
/// Cache-aside (Codex 18) in front of the product list: single products, the hot read of the product page, orders and
/// the storefront, and list pages, the shop's front door. Entries are never updated here:
/// <see cref="ProductListProjection"/> deletes a product's entry and every page after changing its row, and the next
/// read loads them again.
/// </summary>
internal sealed class CachedCatalogApi(ProductListReader reader, IFusionCache cache, CatalogCacheMetrics metrics) : ICatalogApi
{
    /// <summary>Every product entry carries this tag, so a rebuild can drop them all at once.</summary>
    public const string ProductsTag = "catalog:products";

    /// <summary>Every list page carries this tag: any product's change can move it, so a change drops them all.</summary>
    public const string PagesTag = "catalog:pages";

    private static readonly string[] Tags = [ProductsTag];
    private static readonly string[] PageTags = [PagesTag];

    public static string KeyOf(int productId) => $"catalog:product:{productId}";

    // Page and size are bounded by the endpoint (size 1-100), and a page past the end is an empty, tiny entry.
    private static string PageKeyOf(int page, int pageSize) => $"catalog:page:{page}:{pageSize}";

    // An unknown id is cached too (as null), so probing missing ids cannot reach the database at full rate; listing
    // the product deletes that entry like any other change.
    public async Task<ProductDto?> FindProductAsync(int id, CancellationToken cancellationToken) =>
        await cache.GetOrSetAsync<ProductDto?>(KeyOf(id), (_, ct) =>
        {
            metrics.ProductLoaded();
            return reader.FindProductAsync(id, ct);
        }, tags: Tags, token: cancellationToken);

    // A page cost a connection and two queries per request (a fifth of the throughput of a cached product); the list
    // changes only through the projection, which drops every page when it changes a row (docs/benchmarks/http.md).
    public async Task<ProductPage> ListProductsAsync(int page, int pageSize, CancellationToken cancellationToken) =>
        await cache.GetOrSetAsync<ProductPage>(PageKeyOf(page, pageSize), (_, ct) =>
        {
            metrics.PageLoaded();
            return reader.ListProductsAsync(page, pageSize, ct);
        }, tags: PageTags, token: cancellationToken);

    /// <summary>Drops every catalogue entry (products and pages); the next read of each loads it again, once.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await cache.RemoveByTagAsync(ProductsTag, token: cancellationToken);
        await cache.RemoveByTagAsync(PagesTag, token: cancellationToken);
    }
}
