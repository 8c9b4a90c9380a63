using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Scalar.AspNetCore;
using Shop.Infrastructure.Admin;

namespace Shop.Infrastructure.OpenApi;

/// <summary>The shop's OpenAPI document and its reference page (docs/api.md).</summary>
public static class ShopOpenApiExtensions
{
    /// <summary>The document's name: served at <c>/openapi/v1.json</c>, written at build time to <c>shop/Shop.Host/openapi/</c>.</summary>
    public const string DocumentName = "v1";

    /// <summary>Registers the OpenAPI document, described from endpoint metadata by the shop's transformers.</summary>
    public static IServiceCollection AddShopOpenApi(this IServiceCollection services)
    {
        services.AddShopAdmin();
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer<ShopDocumentTransformer>();
            options.AddOperationTransformer<ShopOperationTransformer>();
        });
        return services;
    }

    /// <summary>
    /// Maps <c>/openapi/v1.json</c> and the reference page at <c>/scalar</c>, both as management endpoints: on the public port
    /// in Development, only on the management port elsewhere. The page's script is served from the package, never a CDN.
    /// </summary>
    public static IEndpointRouteBuilder MapShopOpenApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi().AsManagementEndpoint();
        endpoints.MapScalarApiReference("/scalar", options => options
            .WithTitle("Bulwark reference shop API")
            .DisableDefaultFonts())
            .AsManagementEndpoint();
        return endpoints;
    }
}
