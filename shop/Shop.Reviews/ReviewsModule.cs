using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Modules;
using Shop.Reviews.Contracts;
using Shop.Reviews.Data;

namespace Shop.Reviews;

/// <summary>
/// The Reviews module in this process, over its own tables. <see cref="RemoteReviewsModule"/> is the same module reached
/// in its own process; the host adds one of the two (<c>Shop:Reviews:Mode</c>, docs/module-extraction.md).
/// </summary>
public sealed class ReviewsModule : IShopModule
{
    private ReviewsModule()
    {
    }

    /// <summary>The module's name, also its table's name.</summary>
    public static string Name => "reviews";

    /// <inheritdoc />
    public static IReadOnlyList<ModuleMigration> Migrations => ReviewsMigrations.All;

    /// <summary>Registers <see cref="IReviewsApi"/> over the module's tables.</summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton<IReviewsApi, ReviewsRepository>();

    /// <summary>Maps <c>/api/reviews/{productId}</c>.</summary>
    public static void MapEndpoints(IEndpointRouteBuilder endpoints) => MapReviews(endpoints);

    /// <summary>
    /// Maps <c>/api/reviews/{productId}?take=</c> (at most 50, 5 unless asked), served by whichever
    /// <see cref="IReviewsApi"/> is registered: the one endpoint both placements expose. When the reviews service cannot
    /// be reached (the remote placement), the answer is a 503 problem that says so.
    /// </summary>
    internal static void MapReviews(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/reviews/{productId:int:min(1)}", GetReviewsAsync)
            .WithName("GetReviews").WithTags("Reviews").ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static async Task<Results<Ok<ReviewSummary>, ProblemHttpResult>> GetReviewsAsync(int productId, int? take, IReviewsApi reviews, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await reviews.GetSummaryAsync(productId, Math.Clamp(take ?? 5, 0, 50), ct));
        }
        catch (HttpRequestException e)
        {
            return ProblemResults.Create(StatusCodes.Status503ServiceUnavailable, "Reviews are unavailable", e.Message);
        }
    }
}
