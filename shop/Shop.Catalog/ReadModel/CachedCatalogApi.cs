using Shop.Catalog.Contracts;
using ZiggyCreatures.Caching.Fusion;

namespace Shop.Catalog.ReadModel;

/// <summary>
/// Cache-aside (Codex 18) in front of the product list for single products, the hot read of the product page,
/// orders and the storefront. Entries are never updated here: <see cref="ProductListProjection"/> deletes a product's
/// entry after changing its row, and the next read loads it again. Pages are not cached (they change with any product).
/// </summary>
internal sealed class CachedCatalogApi(ProductListReader reader, IFusionCache cache) : ICatalogApi
{
    /// <summary>Every product entry carries this tag, so a rebuild can drop them all at once.</summary>
    public const string ProductsTag = "catalog:products";

    private static readonly string[] Tags = [ProductsTag];

    public static string KeyOf(int productId) => $"catalog:product:{productId}";

    // An unknown id is cached too (as null), so probing missing ids cannot reach the database at full rate; listing
    // the product deletes that entry like any other change.
    public async Task<ProductDto?> FindProductAsync(int id, CancellationToken cancellationToken) =>
        await cache.GetOrSetAsync<ProductDto?>(KeyOf(id), (_, ct) => reader.FindProductAsync(id, ct), tags: Tags, token: cancellationToken);

    public Task<ProductPage> ListProductsAsync(int page, int pageSize, CancellationToken cancellationToken) =>
        reader.ListProductsAsync(page, pageSize, cancellationToken);
}
