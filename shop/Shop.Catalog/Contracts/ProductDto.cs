namespace Shop.Catalog.Contracts;

/// <summary>A product as other modules and clients see it. Prices are in minor units (cents) to avoid rounding.</summary>
public sealed record ProductDto(int Id, string Sku, string Name, string Description, string Category, long PriceCents, string Currency);

/// <summary>One page of products.</summary>
public sealed record ProductPage(IReadOnlyList<ProductDto> Items, int Page, int PageSize, int TotalItems, int TotalPages);
