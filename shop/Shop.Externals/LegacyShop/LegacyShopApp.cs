using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Shop.Externals.Faults;
using Shop.Externals.Hosting;

namespace Shop.Externals.LegacyShop;

/// <summary>
/// The legacy shop the edge strangles (Codex 07): the old catalogue endpoints in the old shape (snake_case fields, a
/// row version of its own, old URLs, another list envelope), with the usual fault controls and one of its own to plant
/// a difference between legacy and new data.
/// </summary>
public static class LegacyShopApp
{
    /// <summary>The service name in logs and traces.</summary>
    public const string Name = "legacy-shop";

    /// <summary>Creates the app on <paramref name="url"/>.</summary>
    public static WebApplication Create(string url, string[]? args = null) =>
        StandInApp.Create(Name, url, s => s.AddSingleton<LegacyCatalogue>(), Map, args);

    private static void Map(IEndpointRouteBuilder endpoints)
    {
        var legacy = endpoints.MapGroup("/legacy/catalog").WithTags("Legacy catalogue");
        legacy.MapGet("/item/{id}", Results<Ok<LegacyItem>, ProblemHttpResult> (string id, LegacyCatalogue catalogue) =>
            !int.TryParse(id, out var itemId) || itemId < 1
                ? ProblemResults.BadRequest($"A product id is a positive whole number; got '{id}'.")
                : catalogue.Find(itemId) is { } item ? TypedResults.Ok(item) : ProblemResults.NotFound($"There is no product {itemId}."));
        legacy.MapGet("/items", Results<Ok<LegacyItemPage>, ProblemHttpResult> (int? page, int? page_size, LegacyCatalogue catalogue) =>
        {
            var number = page ?? 1;
            var size = page_size ?? 20;
            return number < 1 || size is < 1 or > 100
                ? ProblemResults.BadRequest("page is at least 1 and page_size 1 to 100.")
                : TypedResults.Ok(catalogue.Page(number, size));
        });

        // Plants a difference the new side does not have: a price changed only in the legacy database, the write a
        // missing double-write or change capture would lose. Same guard as the fault controls: loopback callers only.
        endpoints.MapPut("/_control/legacy/items/{id:int}/price", Results<Ok<LegacyItem>, ProblemHttpResult> (int id, LegacyPriceChange? body, LegacyCatalogue catalogue) =>
            body is null || body.PriceCents <= 0
                ? ProblemResults.BadRequest("Send {\"priceCents\": 1299}.")
                : catalogue.SetPrice(id, body.PriceCents) is { } item ? TypedResults.Ok(item) : ProblemResults.NotFound($"There is no product {id}."))
            .AddEndpointFilter(FaultControlEndpoints.LoopbackOnlyAsync).WithTags("Fault control");
    }

    /// <summary>A planted price change.</summary>
    public sealed record LegacyPriceChange(long PriceCents);
}
