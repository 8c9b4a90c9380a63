using Bulwark.AspNetCore.StaticContent;

namespace Shop.Storefront.StaticContent;

/// <summary>The storefront's static assets by name (files in this module's <c>wwwroot</c>), as URLs pages may give.</summary>
internal static class StorefrontAssets
{
    /// <summary>The configuration section of <see cref="StaticContentOptions"/>: <c>Shop:Static:CdnBaseUrl</c>, <c>Shop:Static:CacheControl</c>.</summary>
    public const string SectionName = "Shop:Static";

    /// <summary>Where the assets are served (the project's <c>StaticWebAssetBasePath</c>).</summary>
    public const string PathPrefix = "/static";

    public const string Stylesheet = "static/app.css";

    public const string Script = "static/app.js";

    private const string NoPicture = "static/products/none.svg";

    /// <summary>The URL of the product's picture (one per SKU), or of the placeholder for a product without one.</summary>
    public static string ProductImage(StaticAssetUrls urls, string sku) =>
        urls.Find($"static/products/{sku}.svg") ?? urls.Get(NoPicture);
}
