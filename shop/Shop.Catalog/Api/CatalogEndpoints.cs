using System.Globalization;
using System.Text;
using Bulwark.AspNetCore.Problems;
using Bulwark.EventSourcing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using Shop.Catalog.Contracts;
using Shop.Catalog.Domain;
using Shop.Catalog.ReadModel;
using Shop.Infrastructure.Admin;
using Shop.Infrastructure.HttpCaching;
using Shop.Infrastructure.OpenApi;
using ZiggyCreatures.Caching.Fusion;

namespace Shop.Catalog.Api;

internal static class CatalogEndpoints
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;
    private const int MaxPriceChangeAttempts = 3;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var products = endpoints.MapGroup("/api/products").WithTags("Catalog");
        products.MapGet("/", ListAsync).WithName("ListProducts")
            .WithConditionalGet("A weak entity tag of the page (the products on it, their versions, the totals), such as W/\"5f0c…\"; send it in If-None-Match to revalidate.");
        products.MapGet("/{id}", GetAsync).WithName("GetProduct")
            .WithConditionalGet("The product's version as a strong entity tag, such as \"3\"; send it in If-Match to change exactly this version, or in If-None-Match to revalidate.");
        products.MapPut("/{id}/price", ChangePriceAsync).WithName("ChangeProductPrice").RequireShopAdmin()
            .WithEntityTag(acceptsIfMatch: true).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        // Operations: what an operator does after a bad cache deploy, and what the Cache Miss drill does to the shop.
        endpoints.MapDelete("/admin/catalog/cache", FlushCacheAsync).WithName("FlushCatalogCache").WithTags("Catalog").RequireShopAdmin()
            .WithSummary("Drops every cached product and list page; the next read of each loads it from the read model once.");
    }

    private static async Task<NoContent> FlushCacheAsync(CachedCatalogApi cache, CancellationToken cancellationToken)
    {
        await cache.FlushAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    // Query values arrive as strings so a malformed one gets a problem that names it, not a bare binder 400.
    private static async Task<Results<Ok<ProductPage>, ProblemHttpResult>> ListAsync(
        ICatalogApi catalog, HttpResponse response, string? page, string? pageSize, CancellationToken cancellationToken)
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
        var products = await catalog.ListProductsAsync(pageNumber, size, cancellationToken);
        response.Headers.ETag = PageEntityTag(products).ToString();
        return TypedResults.Ok(products);
    }

    // A product's version changes with every change to it, so the ids and versions on the page and the totals name
    // what the page says without serialising it again.
    private static EntityTagHeaderValue PageEntityTag(ProductPage page)
    {
        var text = new StringBuilder(16 + (page.Items.Count * 12));
        text.Append(CultureInfo.InvariantCulture, $"{page.Page}/{page.PageSize}/{page.TotalItems}/{page.TotalPages}");
        foreach (var product in page.Items)
        {
            text.Append(CultureInfo.InvariantCulture, $";{product.Id}@{product.Version}");
        }

        return EntityTags.WeakOf(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static async Task<Results<Ok<ProductDto>, ProblemHttpResult>> GetAsync(
        ICatalogApi catalog, HttpResponse response, string id, CancellationToken cancellationToken)
    {
        if (!TryParseId(id, out var productId))
        {
            return ProblemResults.BadRequest($"A product id is a positive whole number; got '{id}'.");
        }

        var product = await catalog.FindProductAsync(productId, cancellationToken);
        if (product is null)
        {
            return ProblemResults.NotFound($"There is no product {productId}.");
        }

        response.Headers.ETag = EntityTag(product.Version);
        return TypedResults.Ok(product);
    }

    // The write side: load the product from its stream, check the rules and the client's If-Match, append, then wait
    // for the read model to include the change so the answer (and the client's next GET) shows it.
    private static async Task<Results<Ok<ProductDto>, ProblemHttpResult>> ChangePriceAsync(
        string id,
        [FromBody] PriceChange? body,
        HttpRequest request,
        HttpResponse response,
        AggregateRepository<Product> products,
        [FromKeyedServices(typeof(ProductListProjection))] ProjectionRunner productList,
        ICatalogApi catalog,
        [FromServices] IFusionCache cache,
        CancellationToken cancellationToken)
    {
        if (!TryParseId(id, out var productId))
        {
            return ProblemResults.BadRequest($"A product id is a positive whole number; got '{id}'.");
        }

        if (body?.PriceCents is not { } price)
        {
            return ProblemResults.BadRequest("Send {\"priceCents\":1299}.");
        }

        if (price is < 0 or > Product.MaxPriceCents)
        {
            return ProblemResults.Unprocessable($"priceCents is 0 to {Product.MaxPriceCents}; got {price}.");
        }

        if (!TryParseIfMatch(request.Headers.IfMatch.ToString(), out var expected))
        {
            return ProblemResults.BadRequest($"If-Match is a product version in quotes, such as \"3\", from the product's ETag; got '{request.Headers.IfMatch}'.");
        }

        // Without If-Match the client asked for "this price, whatever it was": a concurrent change is re-read and the
        // price applied on top. With If-Match, someone else's change wins and the client is told to decide again.
        AppendResult appended = default;
        for (var attempt = 1; ; attempt++)
        {
            var product = await products.LoadAsync(Product.IdOf(productId), cancellationToken);
            if (product is null)
            {
                return ProblemResults.NotFound($"There is no product {productId}.");
            }

            if (expected is { } version && version != product.Version)
            {
                return Stale(productId, version, product.Version);
            }

            product.ChangePrice(price);
            try
            {
                appended = await products.SaveAsync(product, cancellationToken);
                break;
            }
            catch (ConcurrencyConflictException e)
            {
                if (expected is not null)
                {
                    return Stale(productId, e.ExpectedVersion, e.ActualVersion);
                }

                if (attempt == MaxPriceChangeAttempts)
                {
                    return ProblemResults.Conflict($"Product {productId} kept changing while we applied the price; nothing was written, try again.");
                }
            }
        }

        // Read-your-own-writes, bounded by the request's deadline (a stuck projection answers 504, the change is kept).
        if (appended.LastPosition > 0)
        {
            await productList.WaitForPositionAsync(appended.LastPosition, cancellationToken);
            if (!productList.IsWriter)
            {
                // In a fleet another instance wrote the read model and dropped the entry; the backplane's word to this
                // instance may still be on its way, so the old price could answer the very request that changed it.
                await cache.RemoveAsync(CachedCatalogApi.KeyOf(productId), token: cancellationToken);
            }
        }

        var changed = (await catalog.FindProductAsync(productId, cancellationToken))!;
        response.Headers.ETag = EntityTag(changed.Version);
        return TypedResults.Ok(changed);
    }

    private static ProblemHttpResult Stale(int productId, long expected, long actual) =>
        ProblemResults.PreconditionFailed(
            $"Product {productId} is at version {actual}, not {expected}: someone changed it first. GET it again and decide on the new state.",
            new Dictionary<string, object?> { ["expectedVersion"] = expected, ["currentVersion"] = actual });

    private static string EntityTag(long version) => new EntityTagHeaderValue($"\"{version.ToString(CultureInfo.InvariantCulture)}\"").ToString();

    private static bool TryParseIfMatch(string header, out long? version)
    {
        version = null;
        if (string.IsNullOrEmpty(header) || header == "*")
        {
            return true;
        }

        if (!EntityTagHeaderValue.TryParse(header, out var tag) || tag.IsWeak
            || !long.TryParse(tag.Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < 1)
        {
            return false;
        }

        version = parsed;
        return true;
    }

    private static bool TryParseId(string id, out int productId) =>
        int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out productId) && productId >= 1;

    // Absent means the default; present but empty (`?page=`) is malformed, as on every other list.
    private static bool TryParse(string? value, int fallback, out int result)
    {
        if (value is null)
        {
            result = fallback;
            return true;
        }

        return int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result);
    }

    internal sealed record PriceChange(long? PriceCents);
}
