namespace Shop.Catalog.Contracts;

/// <summary>
/// A product as other modules and clients see it. Prices are in minor units (cents) to avoid rounding.
/// <paramref name="Version"/> is the product's version in the catalogue's event log (also its <c>ETag</c>); send it
/// back in <c>If-Match</c> to change the product without overwriting someone else's change.
/// </summary>
public sealed record ProductDto(int Id, string Sku, string Name, string Description, string Category, long PriceCents, string Currency, long Version);

/// <summary>One page of products.</summary>
public sealed record ProductPage(IReadOnlyList<ProductDto> Items, int Page, int PageSize, int TotalItems, int TotalPages);
