using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shop.Infrastructure.Sqlite;
using Shop.Reviews.Contracts;
using Shop.Reviews.Data;
using Shop.Reviews.Remote;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Shop.Reviews;

/// <summary>The Reviews module's one entry point: its services and its endpoints.</summary>
public static class ReviewsModule
{
    /// <summary>The module's name, also its database file name.</summary>
    public const string Name = "reviews";

    /// <summary>The name of the reviews service's HttpClient (remote placement), for adding handlers to it.</summary>
    public const string RemoteClientName = "reviews-service";

    /// <summary>Registers the reviews' database, migrations and <see cref="IReviewsApi"/>, in this process.</summary>
    public static IServiceCollection AddReviewsModule(this IServiceCollection services)
    {
        services.AddModuleDatabase(Name, ReviewsMigrations.All, db => new ReviewsDatabase(db));
        services.AddSingleton<IReviewsApi, ReviewsRepository>();
        return services;
    }

    /// <summary>
    /// Registers the module the way <c>Shop:Reviews:Mode</c> says (docs/module-extraction.md): <c>InProcess</c> as
    /// <see cref="AddReviewsModule(IServiceCollection)"/>; <c>Remote</c> registers only <see cref="IReviewsApi"/> over
    /// HTTP to the reviews service at <c>Shop:Reviews:Url</c>, and no reviews tables here: its data lives with it.
    /// </summary>
    public static IServiceCollection AddReviewsModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ReviewsPlacementOptions.SectionName);
        if (section.GetValue<ReviewsPlacement?>(nameof(ReviewsPlacementOptions.Mode)) != ReviewsPlacement.Remote)
        {
            return services.AddReviewsModule();
        }

        services.AddOptions<ReviewsPlacementOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient<IReviewsApi, ReviewsHttpClient>(RemoteClientName, (sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<ReviewsPlacementOptions>>().Value;
            http.BaseAddress = new Uri(options.Url, "/");
            http.Timeout = options.Timeout;
        });
        return services;
    }

    /// <summary>Maps <c>/api/reviews/{productId}?take=</c> (at most 50, 5 unless asked), served by whichever <see cref="IReviewsApi"/> is registered.</summary>
    public static IEndpointRouteBuilder MapReviewsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/reviews/{productId:int:min(1)}", async (int productId, int? take, IReviewsApi reviews, CancellationToken ct) =>
            TypedResults.Ok(await reviews.GetSummaryAsync(productId, Math.Clamp(take ?? 5, 0, 50), ct)))
            .WithName("GetReviews").WithTags("Reviews");
        return endpoints;
    }
}
