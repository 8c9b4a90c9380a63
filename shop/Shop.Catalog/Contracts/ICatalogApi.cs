namespace Shop.Catalog.Contracts;

/// <summary>What other modules may ask the catalogue. The only way in besides HTTP.</summary>
public interface ICatalogApi
{
    /// <summary>The product with <paramref name="id"/>, or <see langword="null"/> when there is none.</summary>
    Task<ProductDto?> FindProductAsync(int id, CancellationToken cancellationToken);

    /// <summary>A page of products ordered by id. <paramref name="page"/> starts at 1.</summary>
    Task<ProductPage> ListProductsAsync(int page, int pageSize, CancellationToken cancellationToken);
}
