using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shop.Infrastructure.Sqlite;
using Shop.Reviews.Contracts;
using Shop.Reviews.Data;

namespace Shop.Reviews;

/// <summary>The Reviews module's one entry point: its services and its endpoints.</summary>
public static class ReviewsModule
{
    /// <summary>The module's name, also its database file name.</summary>
    public const string Name = "reviews";

    /// <summary>Registers the reviews' database, migrations and <see cref="IReviewsApi"/>.</summary>
    public static IServiceCollection AddReviewsModule(this IServiceCollection services)
    {
        services.AddModuleDatabase(Name, ReviewsMigrations.All, db => new ReviewsDatabase(db));
        services.AddSingleton<IReviewsApi, ReviewsRepository>();
        return services;
    }

    /// <summary>Maps <c>/api/reviews/{productId}</c>.</summary>
    public static IEndpointRouteBuilder MapReviewsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/reviews/{productId:int:min(1)}", async (int productId, IReviewsApi reviews, CancellationToken ct) =>
            TypedResults.Ok(await reviews.GetSummaryAsync(productId, 5, ct)))
            .WithName("GetReviews").WithTags("Reviews");
        return endpoints;
    }
}
