using Bulwark.Resilience.DependencyInjection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shop.Storefront.ProductPage;
using Shop.Storefront.Recommendations;

namespace Shop.Storefront;

/// <summary>The Storefront module's one entry point: the product page and its external recommendations engine.</summary>
public static class StorefrontModule
{
    /// <summary>The resilience pipeline (breaker, retry, timeout) the recommendations engine is called through.</summary>
    public const string RecommendationsPipeline = "recommendations";

    /// <summary>Registers the product page; needs <c>AddBulwarkResilience</c> with a <c>recommendations</c> pipeline.</summary>
    public static IServiceCollection AddStorefrontModule(this IServiceCollection services, IConfiguration configuration)
    {
        var engine = configuration.GetValue<Uri>("Shop:Externals:RecommendationsUrl") ?? new Uri("http://127.0.0.1:5102");
        services.AddMemoryCache(o => o.SizeLimit = 10_000);
        services.AddHttpClient<RecommendationsClient>(http => http.BaseAddress = new Uri(engine, "/"))
            .AddBulwarkResilienceHandler(RecommendationsPipeline);
        return services;
    }

    /// <summary>Maps <c>/api/products/{id}/page</c>.</summary>
    public static IEndpointRouteBuilder MapStorefrontEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ProductPageEndpoints.Map(endpoints);
        return endpoints;
    }
}
