using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.StaticContent;

/// <summary>Serves the build's static assets for a CDN to keep (Codex 19). See <c>docs/static-content.md</c>.</summary>
public static class StaticContentEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the build's static assets with ASP.NET Core's <c>MapStaticAssets</c> (content-hashed routes, strong ETags,
    /// 304s, precompressed variants) and, under <paramref name="pathPrefix"/>: sends <see cref="StaticContentOptions.CacheControl"/>
    /// with every content-hashed asset, answers a name without its hash (<c>/static/app.css</c>) and an unknown name with a
    /// 404 problem, so no mutable URL can get into a CDN, and counts each request in
    /// <c>bulwark.static.origin.requests</c>. Needs <see cref="StaticContentServiceCollectionExtensions.AddBulwarkStaticContent"/>.
    /// </summary>
    /// <param name="endpoints">The endpoints.</param>
    /// <param name="pathPrefix">Where the assets live, such as <c>/static</c> (a project's <c>StaticWebAssetBasePath</c>).</param>
    /// <param name="manifestPath">The static asset manifest; null uses the application's own.</param>
    /// <returns>The static assets' conventions.</returns>
    public static StaticAssetsEndpointConventionBuilder MapBulwarkStaticAssets(this IEndpointRouteBuilder endpoints, string pathPrefix, string? manifestPath = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pathPrefix);
        var prefix = pathPrefix.Trim('/');
        var metrics = endpoints.ServiceProvider.GetRequiredService<StaticContentMetrics>();
        var cacheControl = endpoints.ServiceProvider.GetRequiredService<IOptions<StaticContentOptions>>().Value.CacheControl;
        var assets = endpoints.MapStaticAssets(manifestPath);
        assets.Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<StaticAssetDescriptor>().FirstOrDefault() is not { } descriptor
                || !descriptor.Route.StartsWith(prefix + "/", StringComparison.Ordinal)
                || endpoint.RequestDelegate is not { } serve)
            {
                return;
            }

            endpoint.RequestDelegate = StaticAssetProperties.Fingerprint(descriptor) is null
                ? context => RefuseAsync(context, metrics, "unhashed", $"'{context.Request.Path}' is an asset's name without its content hash. Assets are served only under their hashed names, which pages give (such as /{prefix}/app.<hash>.css), so no cache can keep a name whose content changes.")
                : context => ServeAsync(context, serve, cacheControl, metrics);
        });

        endpoints.MapMethods($"/{prefix}/{{**path}}", [HttpMethods.Get, HttpMethods.Head], context =>
                RefuseAsync(context, metrics, "unknown", $"There is no static asset '{context.Request.Path}'; take asset URLs from the page that links them (their names carry a content hash)."))
            .ExcludeFromDescription();
        return assets;
    }

    private static Task ServeAsync(HttpContext context, RequestDelegate serve, string cacheControl, StaticContentMetrics metrics)
    {
        metrics.OriginRequest("hashed");
        // The manifest's header (max-age=31536000, immutable) lacks "public"; the configured value replaces it once the
        // asset handler has written its headers, for 200, 206 and 304 alike.
        context.Response.OnStarting(() =>
        {
            if (context.Response.StatusCode is StatusCodes.Status200OK or StatusCodes.Status206PartialContent or StatusCodes.Status304NotModified)
            {
                context.Response.Headers.CacheControl = cacheControl;
            }

            return Task.CompletedTask;
        });
        return serve(context);
    }

    private static Task RefuseAsync(HttpContext context, StaticContentMetrics metrics, string outcome, string detail)
    {
        metrics.OriginRequest(outcome);
        context.Response.Headers.CacheControl = "no-store";
        return ProblemResults.NotFound(detail).ExecuteAsync(context);
    }
}
