using Bulwark.EventSourcing;
using Shop.Catalog.Data;
using Shop.Catalog.Domain;

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

    // Same columns as migration 3 creates; a later migration that changes the live table must change this too.
    public Task BeginShadowAsync(CancellationToken cancellationToken) => ExecuteAsync(
        $"""
        DROP TABLE IF EXISTS {Shadow};
        CREATE TABLE {Shadow} (
            id          INTEGER PRIMARY KEY,
            sku         TEXT    NOT NULL,
            name        TEXT    NOT NULL,
            description TEXT    NOT NULL,
            category    TEXT    NOT NULL,
            price_cents INTEGER NOT NULL,
            currency    TEXT    NOT NULL,
            version     INTEGER NOT NULL
        );
        """,
        cancellationToken);

    // One transaction: a reader sees the old table or the new one, never neither.
    public async Task SwapShadowAsync(CancellationToken cancellationToken)
    {
        await using var connection = await catalog.Database.OpenAsync(cancellationToken);
        await using var swap = (Microsoft.Data.Sqlite.SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = swap;
        command.CommandText = $"DROP TABLE {Live}; ALTER TABLE {Shadow} RENAME TO {Live};";
        await command.ExecuteNonQueryAsync(cancellationToken);
        await swap.CommitAsync(cancellationToken);
    }

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
