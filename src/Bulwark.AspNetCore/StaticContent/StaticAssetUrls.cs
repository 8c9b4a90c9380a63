using System.Collections.Frozen;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.StaticContent;

/// <summary>
/// The URL a page gives for a static asset: its content-hashed route (from the build's static asset manifest, mapped by
/// <see cref="StaticContentEndpointRouteBuilderExtensions.MapBulwarkStaticAssets"/>) at the configured CDN base, or
/// root-relative on this origin when no CDN is configured. See <c>docs/static-content.md</c>.
/// </summary>
public sealed class StaticAssetUrls
{
    private readonly EndpointDataSource _endpoints;
    private readonly Uri? _cdn;
    private FrozenDictionary<string, string>? _byName;

    /// <summary>Creates the lookup over the application's endpoints.</summary>
    public StaticAssetUrls(EndpointDataSource endpoints, IOptions<StaticContentOptions> options)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(options);
        _endpoints = endpoints;
        _cdn = options.Value.CdnBaseUrl is { } cdn ? new Uri(cdn.AbsoluteUri.EndsWith('/') ? cdn.AbsoluteUri : cdn.AbsoluteUri + "/") : null;
    }

    /// <summary>
    /// The URL of the asset built from <paramref name="name"/> (its path under the web root, such as
    /// <c>static/app.css</c>), or null when the build produced no such asset.
    /// </summary>
    public string? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Routes().TryGetValue(name.TrimStart('/'), out var route)
            ? _cdn is { } cdn ? new Uri(cdn, route).AbsoluteUri : "/" + route
            : null;
    }

    /// <summary>The URL of the asset built from <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The build produced no such asset.</exception>
    public string Get(string name) =>
        Find(name) ?? throw new KeyNotFoundException($"No static asset '{name}' in the build's manifest; names are paths under the web root, such as static/app.css.");

    // Read once the endpoints exist: conventions and data sources are complete only after the application is built.
    private FrozenDictionary<string, string> Routes() =>
        _byName ??= _endpoints.Endpoints
            .SelectMany(e => e.Metadata.OfType<StaticAssetDescriptor>())
            .Select(d => (Label: StaticAssetProperties.Label(d), d.Route))
            .Where(a => a.Label is not null && StaticAssetProperties.IsFingerprinted(a.Route, a.Label))
            .GroupBy(a => a.Label!, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.First().Route, StringComparer.Ordinal);
}
