using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Edge.Bff;

/// <summary>Maps BFF screens at the edge.</summary>
public static class BffEndpointRouteBuilderExtensions
{
    /// <summary>Maps <c>GET <paramref name="pattern"/></c> to the screen <paramref name="screen"/> of the BFF <paramref name="bff"/>.</summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="bff">The BFF's name, as given to <see cref="BffServiceCollectionExtensions.AddBulwarkBff"/>.</param>
    /// <param name="pattern">The route, for example <c>/bff/mobile/home</c>; it wins over the proxy's catch-all.</param>
    /// <param name="screen">The screen's parts and shape.</param>
    /// <returns>The endpoint's convention builder.</returns>
    public static RouteHandlerBuilder MapBulwarkBff(this IEndpointRouteBuilder endpoints, string bff, string pattern, BffScreen screen)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(bff);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        ArgumentNullException.ThrowIfNull(screen);
        if (endpoints.ServiceProvider.GetService<BffRegistry>()?.HasBff(bff) != true)
        {
            throw new InvalidOperationException($"The BFF '{bff}' is not registered; call services.AddBulwarkBff(\"{bff}\", ...) first.");
        }

        return endpoints.MapGet(pattern, (HttpContext context, BffScreenRunner runner) => runner.RunAsync(bff, screen, context))
            .WithName($"bff-{bff}-{screen.Name}")
            .WithTags($"BFF {bff}");
    }
}
