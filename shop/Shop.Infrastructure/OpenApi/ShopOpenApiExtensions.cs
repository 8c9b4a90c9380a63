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
            options.CreateSchemaReferenceId = SchemaId;
            options.AddDocumentTransformer<ShopDocumentTransformer>();
            options.AddOperationTransformer<ShopOperationTransformer>();
        });
        return services;
    }

    // Schemas are named by type name alone by default, so two modules' StockView records shared one schema and the
    // inventory endpoint was documented with the storefront's shape. A record declared inside an endpoints class is
    // local to it and is named after it (InventoryStockView, ProductPageStockView).
    private static string? SchemaId(System.Text.Json.Serialization.Metadata.JsonTypeInfo type)
    {
        var id = Microsoft.AspNetCore.OpenApi.OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        if (id is null || type.Type.DeclaringType is not { } owner)
        {
            return id;
        }

        var prefix = owner.Name.Replace("Endpoints", string.Empty, StringComparison.Ordinal).Replace("Module", string.Empty, StringComparison.Ordinal);
        return id.StartsWith(prefix, StringComparison.Ordinal) ? id : prefix + id;
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
