using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Shop.Externals.Hosting;

namespace Shop.Externals.Recommendations;

/// <summary>A recommendations-engine stand-in: "customers also bought" for a product, the Codex's optional feature.</summary>
public static class RecommendationsApp
{
    /// <summary>The service name in logs and traces.</summary>
    public const string Name = "recommendations-engine";

    /// <summary>Creates the app on <paramref name="url"/>.</summary>
    public static WebApplication Create(string url, string[]? args = null) =>
        StandInApp.Create(Name, url, _ => { }, Map, args);

    private static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/recommendations/{productId:int}", Results<Ok<RecommendationList>, ProblemHttpResult> (int productId, int? count) =>
        {
            var take = count ?? 4;
            if (productId < 1 || take is < 1 or > 20)
            {
                return ProblemResults.BadRequest("productId must be positive and count between 1 and 20.");
            }

            // Deterministic, so tests and drills can assert on the content as well as on availability.
            var items = Enumerable.Range(1, take).Select(k => ((productId * 7) + (k * 11)) % 60 + 1).Where(id => id != productId).Distinct().ToList();
            return TypedResults.Ok(new RecommendationList(productId, items));
        }).WithTags("Recommendations");

    /// <summary>Products recommended alongside <paramref name="ProductId"/>.</summary>
    public sealed record RecommendationList(int ProductId, IReadOnlyList<int> ProductIds);
}
