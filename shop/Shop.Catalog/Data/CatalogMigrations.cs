using Microsoft.Data.Sqlite;
using Shop.Infrastructure.Sqlite;

namespace Shop.Catalog.Data;

internal static class CatalogMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        Migration.Sql(1, "create products", """
            CREATE TABLE catalog_products (
                id          INTEGER PRIMARY KEY,
                sku         TEXT    NOT NULL UNIQUE,
                name        TEXT    NOT NULL,
                description TEXT    NOT NULL,
                category    TEXT    NOT NULL,
                price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
                currency    TEXT    NOT NULL
            );
            """),
        new Migration(2, "seed demo catalogue", SeedAsync),
        // CQRS (Codex 15): the rows above became the import list; products now live in event streams, and clients
        // read this table, which only the product-list projection writes.
        Migration.Sql(3, "create product list read model", """
            CREATE TABLE catalog_product_list (
                id          INTEGER PRIMARY KEY,
                sku         TEXT    NOT NULL,
                name        TEXT    NOT NULL,
                description TEXT    NOT NULL,
                category    TEXT    NOT NULL,
                price_cents INTEGER NOT NULL,
                currency    TEXT    NOT NULL,
                version     INTEGER NOT NULL
            );
            """),
    ];

    private static readonly string[] Categories = ["Kitchen", "Outdoor", "Books", "Audio", "Office", "Toys"];
    private static readonly string[] Adjectives = ["Sturdy", "Compact", "Deluxe", "Classic", "Featherweight", "Weatherproof", "Quiet", "Smart", "Vintage", "Modular"];
    private static readonly string[] Nouns = ["Kettle", "Lantern", "Notebook", "Headphones", "Desk Lamp", "Kite"];

    /// <summary>The demo catalogue (the import list <c>catalog_products</c>): deterministic, so every fresh data folder holds the same 60 products.</summary>
    public static IEnumerable<(int Id, string Sku, string Name, string Description, string Category, long PriceCents)> DemoProducts()
    {
        for (var i = 1; i <= 60; i++)
        {
            var category = Categories[(i - 1) % Categories.Length];
            var noun = Nouns[(i - 1) % Nouns.Length];
            var adjective = Adjectives[(i - 1) / Nouns.Length % Adjectives.Length];
            var name = $"{adjective} {noun}";
            var price = 499 + (i * 137 % 9500);
            yield return (i, $"SKU-{i:D5}", name, $"The {name.ToLowerInvariant()} from our {category.ToLowerInvariant()} range.", category, price);
        }
    }

    private static async Task SeedAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO catalog_products (id, sku, name, description, category, price_cents, currency)
            VALUES ($id, $sku, $name, $description, $category, $price, 'EUR');
            """;
        var id = insert.Parameters.Add("$id", SqliteType.Integer);
        var sku = insert.Parameters.Add("$sku", SqliteType.Text);
        var name = insert.Parameters.Add("$name", SqliteType.Text);
        var description = insert.Parameters.Add("$description", SqliteType.Text);
        var category = insert.Parameters.Add("$category", SqliteType.Text);
        var price = insert.Parameters.Add("$price", SqliteType.Integer);
        foreach (var product in DemoProducts())
        {
            id.Value = product.Id;
            sku.Value = product.Sku;
            name.Value = product.Name;
            description.Value = product.Description;
            category.Value = product.Category;
            price.Value = product.PriceCents;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
