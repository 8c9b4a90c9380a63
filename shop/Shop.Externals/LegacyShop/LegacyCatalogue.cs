using System.Collections.Concurrent;
using System.Text.Json.Serialization;

namespace Shop.Externals.LegacyShop;

/// <summary>
/// The legacy database's catalogue: the 60 rows the new shop's catalogue was imported from (the shop seeds the same
/// list, see Shop.Catalog's <c>CatalogMigrations.DemoProducts</c>). Kept as its own copy on purpose: the legacy system
/// does not share code with the new one, and a shadow comparison against the real shop is what finds any drift.
/// </summary>
internal sealed class LegacyCatalogue
{
    private static readonly string[] Categories = ["Kitchen", "Outdoor", "Books", "Audio", "Office", "Toys"];
    private static readonly string[] Adjectives = ["Sturdy", "Compact", "Deluxe", "Classic", "Featherweight", "Weatherproof", "Quiet", "Smart", "Vintage", "Modular"];
    private static readonly string[] Nouns = ["Kettle", "Lantern", "Notebook", "Headphones", "Desk Lamp", "Kite"];
    private readonly ConcurrentDictionary<int, LegacyItem> _items = new();

    public LegacyCatalogue()
    {
        for (var i = 1; i <= 60; i++)
        {
            var category = Categories[(i - 1) % Categories.Length];
            var noun = Nouns[(i - 1) % Nouns.Length];
            var adjective = Adjectives[(i - 1) / Nouns.Length % Adjectives.Length];
            var name = $"{adjective} {noun}";
            _items[i] = new LegacyItem(i, $"SKU-{i:D5}", name, $"The {name.ToLowerInvariant()} from our {category.ToLowerInvariant()} range.", category, 499 + (i * 137 % 9500), "EUR", 1, "Y");
        }
    }

    public LegacyItem? Find(int id) => _items.GetValueOrDefault(id);

    public LegacyItemPage Page(int page, int size)
    {
        var rows = _items.Values.OrderBy(i => i.Id).Skip((page - 1) * size).Take(size).ToList();
        return new LegacyItemPage(rows, page, _items.Count);
    }

    public LegacyItem? SetPrice(int id, long priceCents) =>
        _items.TryGetValue(id, out var item) && _items.TryUpdate(id, item with { PriceCents = priceCents, RowVersion = item.RowVersion + 1 }, item)
            ? _items[id]
            : null;
}

/// <summary>A product in the legacy shape.</summary>
public sealed record LegacyItem(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("sku")] string Sku,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("price_cents")] long PriceCents,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("row_version")] long RowVersion,
    [property: JsonPropertyName("active_flag")] string ActiveFlag);

/// <summary>A page of products in the legacy envelope.</summary>
public sealed record LegacyItemPage(
    [property: JsonPropertyName("rows")] IReadOnlyList<LegacyItem> Rows,
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("total_rows")] int TotalRows);
