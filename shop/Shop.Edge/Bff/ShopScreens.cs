using System.Globalization;
using System.Text.Json.Nodes;
using Bulwark.Edge.Bff;

namespace Shop.Edge.Bff;

/// <summary>
/// The shop's two home screens (Codex 11): the same three parts — the first page of products (critical), the signed-in
/// customer with their latest orders (personal) and recommendations (optional) — shaped for a phone and for a browser.
/// Presentation only: trimming, sorting and picking fields; every rule stays in the shop.
/// </summary>
internal static class ShopScreens
{
    /// <summary>The backend names in <c>Edge:Backends</c> the screens read from.</summary>
    public const string Shop = "shop";

    /// <inheritdoc cref="Shop"/>
    public const string Recommendations = "recommendations";

    // The home screen's "customers also bought" row follows the catalogue's featured product: the engine recommends per
    // product, and a home screen has no product of its own.
    private const int FeaturedProduct = 1;

    // The shop lists a customer's orders oldest first, 100 a page at most: the newest are at the end of the first page
    // for customers with up to 100 orders (beyond that the screens show an older "latest", a known limit).
    private const int OrderWindow = 100;

    /// <summary>One call for the phone's home screen: names and prices only, the latest order's status, recommended ids.</summary>
    public static BffScreen MobileHome() => new BffScreen("home", ShapeMobile)
        .Critical("products", (call, ct) => call.GetJsonAsync(Shop, "/api/products?page=1&pageSize=10", ct))
        .Personal("customer", CustomerAsync)
        .Optional("recommendations", (call, ct) => call.GetJsonAsync(Recommendations, $"/recommendations/{FeaturedProduct}?count=4", ct));

    /// <summary>
    /// The phone's home screen, version 2 (the mobile team's feature, on at <c>Edge:Bff:mobile:Screens:home=2</c>): the
    /// same screen plus how many of the featured product are left, read from the shop's inventory API as it is today.
    /// </summary>
    public static BffScreen MobileHomeV2() => new BffScreen("home", ShapeMobileV2) { Version = "2" }
        .Critical("products", (call, ct) => call.GetJsonAsync(Shop, "/api/products?page=1&pageSize=10", ct))
        .Personal("customer", CustomerAsync)
        .Optional("recommendations", (call, ct) => call.GetJsonAsync(Recommendations, $"/recommendations/{FeaturedProduct}?count=4", ct))
        .Optional("stock", (call, ct) => call.GetJsonAsync(Shop, $"/api/inventory/{FeaturedProduct}", ct));

    /// <summary>The browser's home screen: a fuller page of products with their descriptions, the profile, the last ten orders.</summary>
    public static BffScreen WebHome() => new BffScreen("home", ShapeWeb)
        .Critical("products", (call, ct) => call.GetJsonAsync(Shop, "/api/products?page=1&pageSize=24", ct))
        .Personal("customer", CustomerAsync)
        .Optional("recommendations", (call, ct) => call.GetJsonAsync(Recommendations, $"/recommendations/{FeaturedProduct}?count=8", ct));

    // Who the caller is comes from the shop, under the caller's own token: the BFF never takes a customer id from the
    // request, so it can only ever read the caller's own orders.
    private static async Task<JsonNode?> CustomerAsync(BffCall call, CancellationToken cancellationToken)
    {
        var me = await call.GetJsonAsync(Shop, "/api/users/me", cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The shop answered GET /api/users/me with no body.");
        var id = me["id"]?.GetValue<string>() ?? throw new InvalidOperationException("The shop's GET /api/users/me has no id.");
        var orders = await call.GetJsonAsync(Shop, $"/api/customers/{Uri.EscapeDataString(id)}/orders?page=1&pageSize={OrderWindow}", cancellationToken).ConfigureAwait(false);
        return new JsonObject { ["me"] = me, ["orders"] = orders };
    }

    private static JsonObject ShapeMobile(BffParts parts)
    {
        var products = Items(parts["products"]);
        var screen = new JsonObject
        {
            // One currency for the list: a phone shows "€12.99", it does not need it on every row.
            ["currency"] = products.FirstOrDefault()?["currency"]?.DeepClone(),
            ["products"] = new JsonArray([.. products.Select(p => new JsonObject
            {
                ["id"] = p["id"]?.DeepClone(),
                ["name"] = p["name"]?.DeepClone(),
                ["price"] = p["priceCents"]?.DeepClone(),
            })]),
        };
        if (parts["customer"] is { } customer)
        {
            var latest = Newest(customer["orders"], 1).FirstOrDefault();
            screen["customer"] = new JsonObject
            {
                ["name"] = customer["me"]?["displayName"]?.DeepClone(),
                ["lastOrder"] = latest is null ? null : new JsonObject
                {
                    ["id"] = latest["orderId"]?.DeepClone(),
                    ["status"] = latest["status"]?.DeepClone(),
                    ["total"] = latest["totalCents"]?.DeepClone(),
                },
            };
        }

        if (parts["recommendations"]?["productIds"] is JsonArray ids)
        {
            screen["recommended"] = ids.DeepClone();
        }

        return screen;
    }

    private static JsonObject ShapeMobileV2(BffParts parts)
    {
        var screen = ShapeMobile(parts);
        if (parts["stock"] is { } stock)
        {
            // A badge on the featured product ("only 3 left"): the count is all a phone shows.
            screen["stock"] = new JsonObject
            {
                ["productId"] = stock["productId"]?.DeepClone(),
                ["available"] = stock["available"]?.DeepClone(),
            };
        }

        return screen;
    }

    private static JsonObject ShapeWeb(BffParts parts)
    {
        var page = parts["products"];
        var screen = new JsonObject
        {
            ["products"] = new JsonObject
            {
                ["items"] = new JsonArray([.. Items(page).Select(p => p.DeepClone())]),
                ["page"] = page?["page"]?.DeepClone(),
                ["pageSize"] = page?["pageSize"]?.DeepClone(),
                ["totalItems"] = page?["totalItems"]?.DeepClone(),
                ["totalPages"] = page?["totalPages"]?.DeepClone(),
            },
        };
        if (parts["customer"] is { } customer)
        {
            screen["customer"] = new JsonObject
            {
                ["profile"] = customer["me"]?.DeepClone(),
                ["recentOrders"] = new JsonArray([.. Newest(customer["orders"], 10).Select(o => o.DeepClone())]),
            };
        }

        if (parts["recommendations"] is { } recommendations)
        {
            screen["recommendations"] = recommendations.DeepClone();
        }

        return screen;
    }

    private static List<JsonNode> Items(JsonNode? page) =>
        page?["items"] is JsonArray items ? [.. items.OfType<JsonNode>()] : [];

    private static IEnumerable<JsonNode> Newest(JsonNode? orders, int count) =>
        (orders as JsonArray ?? []).OfType<JsonNode>()
            .OrderByDescending(o => DateTimeOffset.Parse(o["placedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture))
            .Take(count);
}
