using System.Globalization;
using System.Data.Common;
using Bulwark.Data;
using Shop.Catalog.Contracts;
using Shop.Infrastructure.Data;

namespace Shop.Catalog.ReadModel;

/// <summary>
/// The query side of the catalogue: every read (HTTP and <see cref="ICatalogApi"/>) comes from the product list read
/// model, never from the event streams, so a busy shelf costs one indexed query however long a product's history is.
/// </summary>
internal sealed class ProductListReader(ModuleDatabase<CatalogModule> catalog) : ICatalogApi
{
    private const string Columns = "id, sku, name, description, category, price_cents, currency, version";

    public async Task<ProductDto?> FindProductAsync(int id, CancellationToken cancellationToken)
    {
        await using var connection = await catalog.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = $"SELECT {Columns} FROM catalog_product_list WHERE id = @id;";
        query.With("id", id);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<ProductPage> ListProductsAsync(int page, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);

        await using var connection = await catalog.OpenAsync(cancellationToken);
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM catalog_product_list;";
        var total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);

        await using var query = connection.CreateCommand();
        query.CommandText = $"SELECT {Columns} FROM catalog_product_list ORDER BY id LIMIT @limit OFFSET @offset;";
        query.With("limit", pageSize);
        query.With("offset", (long)(page - 1) * pageSize);
        var items = new List<ProductDto>(pageSize);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(Read(reader));
        }

        return new ProductPage(items, page, pageSize, total, (total + pageSize - 1) / pageSize);
    }

    private static ProductDto Read(DbDataReader reader) => new(
        reader.GetInt32(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetInt64(5),
        reader.GetString(6),
        reader.GetInt64(7));
}
