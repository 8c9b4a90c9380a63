using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Modules;
using Shop.Reviews.Contracts;
using Shop.Reviews.Data;

namespace Shop.Reviews;

/// <summary>The Reviews module's one entry point: its services and its endpoints.</summary>
public sealed class ReviewsModule : IShopModule
{
    private ReviewsModule()
    {
    }

    /// <summary>The module's name, also its table's name.</summary>
    public static string Name => "reviews";

    /// <inheritdoc />
    public static IReadOnlyList<ModuleMigration> Migrations => ReviewsMigrations.All;

    /// <summary>Registers <see cref="IReviewsApi"/>.</summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton<IReviewsApi, ReviewsRepository>();

    /// <summary>Maps <c>/api/reviews/{productId}</c>.</summary>
    public static void MapEndpoints(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/reviews/{productId:int:min(1)}", async (int productId, IReviewsApi reviews, CancellationToken ct) =>
            TypedResults.Ok(await reviews.GetSummaryAsync(productId, 5, ct)))
            .WithName("GetReviews").WithTags("Reviews");
}
