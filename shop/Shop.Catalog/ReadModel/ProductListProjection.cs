using Bulwark.Data;
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
        await using var connection = await Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.With("v", recorded.Version);
        switch (domainEvent)
        {
            case ProductListed listed:
                command.CommandText = $"""
                    INSERT INTO {table} (id, sku, name, description, category, price_cents, currency, version)
                    VALUES (@id, @sku, @name, @description, @category, @price, @currency, @v) ON CONFLICT (id) DO NOTHING;
                    """;
                command.With("id", listed.ProductId);
                command.With("sku", listed.Sku);
                command.With("name", listed.Name);
                command.With("description", listed.Description);
                command.With("category", listed.Category);
                command.With("price", listed.PriceCents);
                command.With("currency", listed.Currency);
                break;
            case ProductPriceChanged changed:
                command.CommandText = $"UPDATE {table} SET price_cents = @price, version = @v WHERE id = @id AND version < @v;";
                command.With("id", changed.ProductId);
                command.With("price", changed.NewPriceCents);
                break;
            default:
                return;
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
        if (table == Table)
        {
            await cache.RemoveAsync(CachedCatalogApi.KeyOf(ProductIdOf(domainEvent)), token: cancellationToken);
            await cache.RemoveByTagAsync(CachedCatalogApi.PagesTag, token: cancellationToken);
        }
    }

    private static int ProductIdOf(object domainEvent) => domainEvent switch
    {
        ProductListed listed => listed.ProductId,
        ProductPriceChanged changed => changed.ProductId,
        _ => throw new ArgumentOutOfRangeException(nameof(domainEvent), domainEvent.GetType().Name, "Not a product list event."),
    };
}
