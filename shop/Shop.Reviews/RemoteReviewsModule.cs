using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Modules;
using Shop.Infrastructure.ServiceClients;
using Shop.Reviews.Contracts;
using Shop.Reviews.Remote;

namespace Shop.Reviews;

/// <summary>
/// The Reviews module placed in its own process (<c>shop/Shop.Reviews.Host</c>, Codex 31): here only
/// <see cref="IReviewsApi"/> over HTTP to <c>Shop:Reviews:Url</c> and the same endpoint; no tables in this process,
/// the data lives with the service. Chosen by <c>Shop:Reviews:Mode=Remote</c> (<see cref="IsChosen"/>).
/// </summary>
public sealed class RemoteReviewsModule : IShopModule
{
    /// <summary>The name of the reviews service's HttpClient, for adding handlers to it.</summary>
    public const string RemoteClientName = "reviews-service";

    private RemoteReviewsModule()
    {
    }

    /// <summary>The same name as <see cref="ReviewsModule"/>: one module, placed elsewhere.</summary>
    public static string Name => ReviewsModule.Name;

    /// <summary>None: the reviews' tables are the service's.</summary>
    public static IReadOnlyList<ModuleMigration> Migrations => [];

    /// <summary>Whether <c>Shop:Reviews:Mode</c> places Reviews in its own process.</summary>
    /// <param name="configuration">The host's configuration.</param>
    /// <returns><see langword="true"/> for <c>Remote</c>.</returns>
    public static bool IsChosen(IConfiguration configuration)
    {
        return ModulePlacementOptions.IsRemote(configuration, ReviewsPlacementOptions.SectionName);
    }

    /// <summary>Registers <see cref="IReviewsApi"/> over HTTP to the reviews service (<c>Shop:Reviews</c>).</summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddServiceClient<ReviewsPlacementOptions>(RemoteClientName, ReviewsPlacementOptions.SectionName)
            .AddTypedClient<IReviewsApi, ReviewsHttpClient>();
    }

    /// <summary>Maps <c>/api/reviews/{productId}</c>, the endpoint the in-process module maps.</summary>
    public static void MapEndpoints(IEndpointRouteBuilder endpoints) => ReviewsModule.MapReviews(endpoints);
}
