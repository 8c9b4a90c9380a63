using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bulwark.AspNetCore.StaticContent;

/// <summary>Registers static content offloading (Codex 19). See <c>docs/static-content.md</c>.</summary>
public static class StaticContentServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="StaticContentOptions"/> from <paramref name="sectionName"/>, validated at start (a bad CDN URL
    /// stops the host with the key named), and registers <see cref="StaticAssetUrls"/> and the origin request counter.
    /// Map the assets with <see cref="StaticContentEndpointRouteBuilderExtensions.MapBulwarkStaticAssets"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="sectionName">The configuration section, such as <c>Shop:Static</c>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddBulwarkStaticContent(this IServiceCollection services, string sectionName)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(sectionName);
        services.AddOptions<StaticContentOptions>().BindConfiguration(sectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton<StaticContentMetrics>();
        services.TryAddSingleton<StaticAssetUrls>();
        return services;
    }
}
