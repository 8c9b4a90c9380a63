using Bulwark.EventSourcing;
using Shop.Catalog.Domain;
using Shop.Infrastructure.EventSourcing;
using ZiggyCreatures.Caching.Fusion;
using Shop.Infrastructure.Data;

namespace Shop.Catalog.ReadModel;

/// <summary>
/// Builds the product list clients read (<c>catalog_product_list</c>) from the catalogue's events, and only from them.
/// Idempotent: each row keeps the stream version it last applied, so a batch delivered twice changes nothing.
/// Rebuilt beside the live table (<c>catalog_product_list_rebuild</c>) and swapped in, so the shelf never looks empty.
/// Cache-aside: after a live row changes, the product's cache entry and every cached list page are deleted (never
/// updated: two updates racing could leave the older one cached), and a swap drops every product entry and page. Both
/// happen before the runner's position moves, so a caller waiting for its write's position reads the new row.
/// </summary>
internal sealed class ProductListProjection(ModuleDatabase<CatalogModule> catalog, IFusionCache cache)
    : ShadowTableProjection(catalog.Shop, "catalog.product-list", "catalog_product_list")
{
    public override async Task SwapShadowAsync(CancellationToken cancellationToken)
    {
        await base.SwapShadowAsync(cancellationToken);
        await cache.RemoveByTagAsync(CachedCatalogApi.ProductsTag, token: cancellationToken);
        await cache.RemoveByTagAsync(CachedCatalogApi.PagesTag, token: cancellationToken);
    }

    public override async Task ResetAsync(CancellationToken cancellationToken)
    {
        await base.ResetAsync(cancellationToken);
        await cache.RemoveByTagAsync(CachedCatalogApi.ProductsTag, token: cancellationToken);
        await cache.RemoveByTagAsync(CachedCatalogApi.PagesTag, token: cancellationToken);
    }

    protected override async Task ApplyToAsync(string table, RecordedEvent recorded, object domainEvent, CancellationToken cancellationToken)
    {
        int productId;
        switch (domainEvent)
        {
            case ProductListed listed:
                productId = listed.ProductId;
                await ExecuteAsync(
                    $"""
                    INSERT INTO {table} (id, sku, name, description, category, price_cents, currency, version)
                    VALUES (@id, @sku, @name, @description, @category, @price, @currency, @v) ON CONFLICT (id) DO NOTHING;
                    """,
                    recorded,
                    cancellationToken,
                    ("id", listed.ProductId),
                    ("sku", listed.Sku),
                    ("name", listed.Name),
                    ("description", listed.Description),
                    ("category", listed.Category),
                    ("price", listed.PriceCents),
                    ("currency", listed.Currency));
                break;
            case ProductPriceChanged changed:
                productId = changed.ProductId;
                await ExecuteAsync(
                    $"UPDATE {table} SET price_cents = @price, version = @v WHERE id = @id AND version < @v;",
                    recorded,
                    cancellationToken,
                    ("id", changed.ProductId),
                    ("price", changed.NewPriceCents));
                break;
            default:
                return;
        }

        if (table == Table)
        {
            await cache.RemoveAsync(CachedCatalogApi.KeyOf(productId), token: cancellationToken);
            await cache.RemoveByTagAsync(CachedCatalogApi.PagesTag, token: cancellationToken);
        }
    }
}
