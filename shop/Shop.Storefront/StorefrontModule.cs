using Bulwark.AspNetCore.StaticContent;
using Bulwark.Resilience.DependencyInjection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Modules;
using Shop.Storefront.ProductPage;
using Shop.Storefront.Recommendations;
using Shop.Storefront.StaticContent;

namespace Shop.Storefront;

/// <summary>
/// The Storefront module's one entry point: the product page (JSON and HTML), its external recommendations engine, and
/// the storefront's static assets (stylesheet, script, product pictures) under content-hashed names for a CDN.
/// </summary>
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
    /// Registers the product page, the engine's client (<c>Shop:Externals:RecommendationsUrl</c>) and static content
    /// (<c>Shop:Static</c>: the CDN base URL, docs/static-content.md); needs <c>AddBulwarkResilience</c> with a
    /// <c>recommendations</c> pipeline.
    /// </summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var engine = configuration.GetValue<Uri>("Shop:Externals:RecommendationsUrl") ?? new Uri("http://127.0.0.1:5102");
        services.AddMemoryCache(o => o.SizeLimit = 10_000);
        services.AddHttpClient<RecommendationsClient>(http => http.BaseAddress = new Uri(engine, "/"))
            .AddBulwarkResilienceHandler(RecommendationsPipeline);
        services.AddBulwarkStaticContent(StorefrontAssets.SectionName);
    }

    /// <summary>
    /// Maps <c>/api/products/{id}/page</c>, the HTML page <c>/products/{id}</c> and the static assets under <c>/static</c>
    /// (this module's <c>wwwroot</c>; the only static assets the shop has).
    /// </summary>
    public static void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapBulwarkStaticAssets(StorefrontAssets.PathPrefix);
        ProductPageEndpoints.Map(endpoints);
        StorefrontPageEndpoints.Map(endpoints);
    }
}
