using System.Globalization;
using System.Text.Json;
using Bulwark.AspNetCore.Problems;
using Bulwark.AspNetCore.StaticContent;
using Bulwark.Resilience.Degradation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Shop.Catalog.Contracts;
using Shop.Infrastructure.HttpCaching;
using Shop.Inventory.Contracts;
using Shop.Reviews.Contracts;
using Shop.Storefront.Recommendations;
using Shop.Storefront.StaticContent;

namespace Shop.Storefront.ProductPage;

/// <summary>
/// The Codex's product page: details and stock are critical, reviews and recommendations optional. An optional part
/// that fails, is slow or sits behind an open breaker is left out (or served from its last good value) and named in
/// <c>degraded</c>; the page still answers 200 fast.
/// </summary>
internal static class ProductPageEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/products/{id}/page", GetAsync).WithName("GetProductPage").WithTags("Storefront")
            .WithConditionalGet("A weak entity tag of the whole page, such as W/\"5f0c…\"; absent on a degraded page, which is never stored.");

    private static async Task<Results<Ok<ProductPageView>, ProblemHttpResult>> GetAsync(
        string id,
        HttpResponse response,
        ResponseComposer composer,
        ICatalogApi catalog,
        IInventoryApi inventory,
        IReviewsApi reviews,
        RecommendationsClient recommendations,
        StaticAssetUrls assets,
        CancellationToken cancellationToken)
    {
        if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var productId) || productId < 1)
        {
            return ProblemResults.BadRequest($"A product id is a positive whole number; got '{id}'.");
        }

        using var page = composer.Begin("product-page", cancellationToken);
        var details = page.Critical("details", ct => catalog.FindProductAsync(productId, ct));
        var stock = page.Critical("stock", ct => inventory.GetStockAsync(productId, ct));
        var reviewSummary = page.Optional("reviews", ct => reviews.GetSummaryAsync(productId, 3, ct));
        var recommended = page.Optional<IReadOnlyList<int>>(
            "recommendations",
            ct => recommendations.GetAsync(productId, ct),
            fallback: ct => recommendations.GetLastGoodAsync(productId, ct));

        // A failed critical part throws CriticalPartFailedException: the request fails as a whole (500 problem).
        var degraded = await page.CompleteAsync();
        if (details.Value is null)
        {
            return ProblemResults.NotFound($"There is no product {productId}.");
        }

        var available = stock.Value?.Available ?? 0;
        var view = new ProductPageView(
            details.Value,
            StorefrontAssets.ProductImage(assets, details.Value.Sku),
            new StockView(available, available > 0),
            reviewSummary.Value,
            recommended.Value,
            degraded);

        // A page missing a part must not outlive the outage in a cache; a whole one is validated by its content,
        // since it is composed from four sources with no shared version.
        if (degraded.Count > 0)
        {
            response.Headers.CacheControl = ShopCacheControl.NoStore;
        }
        else
        {
            response.Headers.ETag = EntityTags.WeakOf(JsonSerializer.SerializeToUtf8Bytes(view, JsonSerializerOptions.Web)).ToString();
        }

        return TypedResults.Ok(view);
    }

    internal sealed record StockView(int Available, bool InStock);

    // ImageUrl: the product's picture under its content-hashed name, at the CDN when one is configured.
    internal sealed record ProductPageView(
        ProductDto Product,
        string ImageUrl,
        StockView Stock,
        ReviewSummary? Reviews,
        IReadOnlyList<int>? Recommendations,
        IReadOnlyList<string> Degraded);
}
