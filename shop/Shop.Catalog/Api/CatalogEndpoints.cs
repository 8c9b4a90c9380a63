using System.Globalization;
using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Shop.Catalog.Contracts;

namespace Shop.Catalog.Api;

internal static class CatalogEndpoints
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var products = endpoints.MapGroup("/api/products").WithTags("Catalog");
        products.MapGet("/", ListAsync).WithName("ListProducts");
        products.MapGet("/{id}", GetAsync).WithName("GetProduct");
    }

    // Query values arrive as strings so a malformed one gets a problem that names it, not a bare binder 400.
    private static async Task<Results<Ok<ProductPage>, ProblemHttpResult>> ListAsync(
        ICatalogApi catalog, string? page, string? pageSize, CancellationToken cancellationToken)
    {
        if (!TryParse(page, 1, out var pageNumber) || pageNumber < 1)
        {
            return ProblemResults.BadRequest($"'page' must be a whole number of at least 1; got '{page}'.");
        }

        if (!TryParse(pageSize, DefaultPageSize, out var size) || size < 1)
        {
            return ProblemResults.BadRequest($"'pageSize' must be a whole number between 1 and {MaxPageSize}; got '{pageSize}'.");
        }

        // Capped rather than refused: a client asking for too much still gets a useful, bounded page.
        size = Math.Min(size, MaxPageSize);
        return TypedResults.Ok(await catalog.ListProductsAsync(pageNumber, size, cancellationToken));
    }

    private static async Task<Results<Ok<ProductDto>, ProblemHttpResult>> GetAsync(
        ICatalogApi catalog, string id, CancellationToken cancellationToken)
    {
        if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var productId) || productId < 1)
        {
            return ProblemResults.BadRequest($"A product id is a positive whole number; got '{id}'.");
        }

        var product = await catalog.FindProductAsync(productId, cancellationToken);
        return product is null
            ? ProblemResults.NotFound($"There is no product {productId}.")
            : TypedResults.Ok(product);
    }

    private static bool TryParse(string? value, int fallback, out int result)
    {
        if (string.IsNullOrEmpty(value))
        {
            result = fallback;
            return true;
        }

        return int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result);
    }
}
