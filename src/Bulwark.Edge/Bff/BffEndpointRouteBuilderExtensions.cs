using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Edge.Bff;

/// <summary>Maps BFF screens at the edge.</summary>
public static class BffEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>GET <paramref name="pattern"/></c> to the screen <paramref name="screen"/> of the BFF <paramref name="bff"/>,
    /// or to one of its <paramref name="laterVersions"/> when <c>Edge:Bff:{bff}:Screens:{name}</c> names it (read per
    /// request, so a new version goes live on a configuration reload, and back as fast).
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="bff">The BFF's name, as given to <see cref="BffServiceCollectionExtensions.AddBulwarkBff"/>.</param>
    /// <param name="pattern">The route, for example <c>/bff/mobile/home</c>; it wins over the proxy's catch-all.</param>
    /// <param name="screen">The screen's parts and shape: the version served unless configuration names another.</param>
    /// <param name="laterVersions">Other versions of the same screen (same name, each its own <see cref="BffScreen.Version"/>).</param>
    /// <returns>The endpoint's convention builder.</returns>
    public static RouteHandlerBuilder MapBulwarkBff(this IEndpointRouteBuilder endpoints, string bff, string pattern, BffScreen screen, params BffScreen[] laterVersions)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(bff);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        ArgumentNullException.ThrowIfNull(screen);
        ArgumentNullException.ThrowIfNull(laterVersions);
        if (endpoints.ServiceProvider.GetService<BffRegistry>()?.HasBff(bff) != true)
        {
            throw new InvalidOperationException($"The BFF '{bff}' is not registered; call services.AddBulwarkBff(\"{bff}\", ...) first.");
        }

        BffScreen[] versions = [screen, .. laterVersions];
        foreach (var version in laterVersions)
        {
            if (!string.Equals(version.Name, screen.Name, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"Every version on {pattern} must be the screen '{screen.Name}'; got '{version.Name}'.", nameof(laterVersions));
            }
        }

        if (versions.Select(v => v.Version).Distinct(StringComparer.OrdinalIgnoreCase).Count() != versions.Length)
        {
            throw new ArgumentException($"Two versions of the screen '{screen.Name}' on {pattern} share a version name.", nameof(laterVersions));
        }

        return endpoints.MapGet(pattern, (HttpContext context, BffScreenRunner runner) => runner.RunAsync(bff, versions, context))
            .WithName($"bff-{bff}-{screen.Name}")
            .WithTags($"BFF {bff}");
    }
}
