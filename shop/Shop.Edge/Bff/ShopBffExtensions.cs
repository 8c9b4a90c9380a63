using Bulwark.Edge.Bff;

namespace Shop.Edge.Bff;

/// <summary>Registers and maps the shop's web and mobile BFFs (<c>Edge:Bff:web</c>, <c>Edge:Bff:mobile</c>).</summary>
internal static class ShopBffExtensions
{
    public const string Mobile = "mobile";
    public const string Web = "web";

    public static IServiceCollection AddShopBffs(this IServiceCollection services, IConfiguration configuration)
    {
        foreach (var bff in new[] { Mobile, Web })
        {
            services.AddBulwarkBff(bff, configuration.GetSection($"{BffOptions.SectionName}:{bff}"))
                .WithBackend(ShopScreens.Shop)
                .WithBackend(ShopScreens.Recommendations);
        }

        return services;
    }

    public static IEndpointRouteBuilder MapShopBffs(this IEndpointRouteBuilder endpoints)
    {
        // Version 2 ships dark with the edge; the mobile team turns it on with Edge:Bff:mobile:Screens:home=2.
        endpoints.MapBulwarkBff(Mobile, "/bff/mobile/home", ShopScreens.MobileHome(), ShopScreens.MobileHomeV2());
        endpoints.MapBulwarkBff(Web, "/bff/web/home", ShopScreens.WebHome());
        return endpoints;
    }
}
