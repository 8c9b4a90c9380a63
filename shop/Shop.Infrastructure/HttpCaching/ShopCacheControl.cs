namespace Shop.Infrastructure.HttpCaching;

/// <summary>The shop's <c>Cache-Control</c> values (docs/api.md, "HTTP caching").</summary>
public static class ShopCacheControl
{
    /// <summary>
    /// A public read: any cache, shared ones included, may keep it, but must ask the shop before each reuse
    /// (<c>no-cache</c>): prices and stock change, and a conditional request answered 304 is cheap.
    /// </summary>
    public const string PublicRevalidate = "public, no-cache";

    /// <summary>Everything else: personal answers (cart, orders, wallet), writes, problems and degraded pages are never stored.</summary>
    public const string NoStore = "no-store";
}
