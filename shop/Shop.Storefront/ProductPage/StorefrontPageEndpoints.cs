using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Bulwark.AspNetCore.Problems;
using Bulwark.AspNetCore.StaticContent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shop.Catalog.Contracts;
using Shop.Infrastructure.HttpCaching;
using Shop.Storefront.StaticContent;

namespace Shop.Storefront.ProductPage;

/// <summary>
/// The product page a browser loads: HTML naming the stylesheet, script and product picture by their content-hashed
/// URLs at the CDN (Codex 19). The page itself is dynamic (price) and revalidated on every use; what it links is cached
/// for a year, because a changed file gets a new name and the next page names that.
/// </summary>
internal static class StorefrontPageEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/products/{id}", GetAsync).WithName("GetProductHtmlPage").ExcludeFromDescription();

    private static async Task<IResult> GetAsync(string id, HttpResponse response, ICatalogApi catalog, StaticAssetUrls assets, CancellationToken cancellationToken)
    {
        if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var productId) || productId < 1)
        {
            return ProblemResults.BadRequest($"A product id is a positive whole number; got '{id}'.");
        }

        if (await catalog.FindProductAsync(productId, cancellationToken) is not { } product)
        {
            return ProblemResults.NotFound($"There is no product {productId}.");
        }

        // The page names this release's asset hashes: a cache must ask before reusing it, or it would outlive a release.
        response.Headers.CacheControl = ShopCacheControl.PublicRevalidate;
        return TypedResults.Content(Render(product, assets), "text/html; charset=utf-8", Encoding.UTF8);
    }

    private static string Render(ProductDto product, StaticAssetUrls assets)
    {
        var html = HtmlEncoder.Default;
        var name = html.Encode(product.Name);
        return string.Create(CultureInfo.InvariantCulture, $"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>{name} · Bulwark shop</title>
              <link rel="stylesheet" href="{html.Encode(assets.Get(StorefrontAssets.Stylesheet))}">
              <script defer src="{html.Encode(assets.Get(StorefrontAssets.Script))}"></script>
            </head>
            <body>
              <header>Bulwark shop</header>
              <main>
                <img class="product-image" src="{html.Encode(StorefrontAssets.ProductImage(assets, product.Sku))}" alt="{name}" width="480" height="480">
                <section>
                  <h1>{name}</h1>
                  <p>{html.Encode(product.Description)}</p>
                  <p class="price" data-price-cents="{product.PriceCents}" data-currency="{html.Encode(product.Currency)}">{product.PriceCents / 100m:0.00} {html.Encode(product.Currency)}</p>
                </section>
              </main>
            </body>
            </html>

            """);
    }
}
