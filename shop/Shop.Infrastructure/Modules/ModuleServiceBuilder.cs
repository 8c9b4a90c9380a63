using Bulwark.AspNetCore.Health;
using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Shop.Infrastructure.Data;

namespace Shop.Infrastructure.Modules;

/// <summary>
/// The start of a module's own process (Codex 31, a module extracted; docs/module-extraction.md): the steps every
/// extracted module's host takes, so each host shows only what its module needs besides.
/// </summary>
public static class ModuleServiceBuilder
{
    /// <summary>
    /// Creates a slim builder named <paramref name="name"/>, listening on <paramref name="defaultUrl"/> unless
    /// <c>--urls</c> says otherwise, with problem details and health checks.
    /// </summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="name">The service name: the application name, and the name in logs and traces.</param>
    /// <param name="defaultUrl">The address to listen on when none is configured.</param>
    /// <returns>The builder, for the module's own registrations.</returns>
    public static WebApplicationBuilder Create(string[] args, string name, string defaultUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(defaultUrl);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ApplicationName = name });
        if (builder.Configuration[WebHostDefaults.ServerUrlsKey] is null)
        {
            builder.WebHost.UseUrls(defaultUrl);
        }

        builder.Services.AddBulwarkProblemDetails();
        builder.Services.AddBulwarkHealth();
        return builder;
    }

    /// <summary>
    /// Gives the service its own data folder (<c>Shop:Data:Path</c>, <paramref name="defaultPath"/> unless configured,
    /// never the shop's) and creates it.
    /// </summary>
    /// <param name="builder">The service's builder.</param>
    /// <param name="defaultPath">The folder when <c>Shop:Data:Path</c> is not configured.</param>
    /// <returns>The builder.</returns>
    public static WebApplicationBuilder UseOwnDataFolder(this WebApplicationBuilder builder, string defaultPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(defaultPath);
        var dataPathKey = $"{ShopDataOptions.SectionName}:{nameof(ShopDataOptions.Path)}";
        builder.Configuration[dataPathKey] ??= defaultPath;
        Directory.CreateDirectory(builder.Configuration[dataPathKey]!);
        return builder;
    }
}
