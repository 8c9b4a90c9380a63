using Bulwark.Resilience.DependencyInjection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Modules;
using Shop.Storefront.ProductPage;
using Shop.Storefront.Recommendations;

namespace Shop.Storefront;

/// <summary>The Storefront module's one entry point: the product page and its external recommendations engine.</summary>
public sealed class StorefrontModule : IShopModule
{
    /// <summary>The resilience pipeline (breaker, retry, timeout) the recommendations engine is called through.</summary>
    public const string RecommendationsPipeline = "recommendations";

    private StorefrontModule()
    {
    }

    /// <summary>The module's name.</summary>
    public static string Name => "storefront";

    /// <summary>None: the page composes other modules' contracts and an external engine.</summary>
    public static IReadOnlyList<ModuleMigration> Migrations => [];

    /// <summary>
    /// Registers the product page and the engine's client (<c>Shop:Externals:RecommendationsUrl</c>); needs
    /// <c>AddBulwarkResilience</c> with a <c>recommendations</c> pipeline.
    /// </summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var engine = configuration.GetValue<Uri>("Shop:Externals:RecommendationsUrl") ?? new Uri("http://127.0.0.1:5102");
        services.AddMemoryCache(o => o.SizeLimit = 10_000);
        services.AddHttpClient<RecommendationsClient>(http => http.BaseAddress = new Uri(engine, "/"))
            .AddBulwarkResilienceHandler(RecommendationsPipeline);
    }

    /// <summary>Maps <c>/api/products/{id}/page</c>.</summary>
    public static void MapEndpoints(IEndpointRouteBuilder endpoints) => ProductPageEndpoints.Map(endpoints);
}
