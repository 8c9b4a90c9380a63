using Shop.Infrastructure.Data;

namespace Shop.Catalog.Data;

internal static class CatalogMigrations
{
    public static readonly IReadOnlyList<ModuleMigration> All =
    [
        new("create products", t => $"""
            CREATE TABLE catalog_products (
                id          INTEGER PRIMARY KEY,
                sku         TEXT    NOT NULL UNIQUE,
                name        TEXT    NOT NULL,
                description TEXT    NOT NULL,
                category    TEXT    NOT NULL,
                price_cents {t.BigNumber} NOT NULL CHECK (price_cents >= 0),
                currency    TEXT    NOT NULL
            );
            """),
        ModuleMigration.Seed("seed demo catalogue", "catalog_products", ["id", "sku", "name", "description", "category", "price_cents", "currency"],
            DemoProducts().Select(p => new object[] { p.Id, p.Sku, p.Name, p.Description, p.Category, p.PriceCents, "EUR" })),
        // CQRS (Codex 15): the rows above became the import list; products now live in event streams, and clients
        // read this table, which only the product-list projection writes.
        new("create product list read model", t => $"""
            CREATE TABLE catalog_product_list (
                id          INTEGER PRIMARY KEY,
                sku         TEXT    NOT NULL,
                name        TEXT    NOT NULL,
                description TEXT    NOT NULL,
                category    TEXT    NOT NULL,
                price_cents {t.BigNumber} NOT NULL,
                currency    TEXT    NOT NULL,
                version     {t.BigNumber} NOT NULL
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
}
