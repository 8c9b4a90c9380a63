using Bulwark.EventSourcing;
using Shop.Catalog.Data;
using Shop.Catalog.Domain;
using Shop.Infrastructure.Sqlite;

namespace Shop.Catalog.ReadModel;

/// <summary>
/// Builds the product list clients read (<c>catalog_product_list</c>) from the catalogue's events, and only from them.
/// Idempotent: each row keeps the stream version it last applied, so a batch delivered twice changes nothing.
/// Rebuilt beside the live table (<c>catalog_product_list_rebuild</c>) and swapped in, so the shelf never looks empty.
/// </summary>
internal sealed class ProductListProjection(CatalogDatabase catalog) : IShadowRebuildProjection
{
    private const string Live = "catalog_product_list";
    private const string Shadow = "catalog_product_list_rebuild";

    public string Name => "catalog.product-list";

    public Task ApplyAsync(RecordedEvent recorded, object domainEvent, CancellationToken cancellationToken) =>
        ApplyToAsync(Live, recorded, domainEvent, cancellationToken);

    public Task ApplyToShadowAsync(RecordedEvent recorded, object domainEvent, CancellationToken cancellationToken) =>
        ApplyToAsync(Shadow, recorded, domainEvent, cancellationToken);

    public Task ResetAsync(CancellationToken cancellationToken) => ExecuteAsync($"DELETE FROM {Live};", cancellationToken);

    public Task BeginShadowAsync(CancellationToken cancellationToken) => ShadowTable.CreateAsync(catalog.Database, Live, Shadow, cancellationToken);

    public Task SwapShadowAsync(CancellationToken cancellationToken) => ShadowTable.SwapAsync(catalog.Database, Live, Shadow, cancellationToken);

    private async Task ApplyToAsync(string table, RecordedEvent recorded, object domainEvent, CancellationToken cancellationToken)
    {
        await using var connection = await catalog.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Parameters.AddWithValue("$v", recorded.Version);
        switch (domainEvent)
        {
            case ProductListed listed:
                command.CommandText = $"""
                    INSERT INTO {table} (id, sku, name, description, category, price_cents, currency, version)
                    VALUES ($id, $sku, $name, $description, $category, $price, $currency, $v) ON CONFLICT (id) DO NOTHING;
                    """;
                command.Parameters.AddWithValue("$id", listed.ProductId);
                command.Parameters.AddWithValue("$sku", listed.Sku);
                command.Parameters.AddWithValue("$name", listed.Name);
                command.Parameters.AddWithValue("$description", listed.Description);
                command.Parameters.AddWithValue("$category", listed.Category);
                command.Parameters.AddWithValue("$price", listed.PriceCents);
                command.Parameters.AddWithValue("$currency", listed.Currency);
                break;
            case ProductPriceChanged changed:
                command.CommandText = $"UPDATE {table} SET price_cents = $price, version = $v WHERE id = $id AND version < $v;";
                command.Parameters.AddWithValue("$id", changed.ProductId);
                command.Parameters.AddWithValue("$price", changed.NewPriceCents);
                break;
            default:
                return;
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await catalog.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
