using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Shop.Infrastructure.ServiceClients;

namespace Shop.Infrastructure.Modules;

/// <summary>Where a module that can leave the shop runs, seen from the shop (Codex 31, a module extracted).</summary>
public enum ModulePlacement
{
    /// <summary>Inside this process, over its own tables in this process's database.</summary>
    InProcess,

    /// <summary>In its own process with its own data, reached at <see cref="ModulePlacementOptions.Url"/>.</summary>
    Remote,
}

/// <summary>
/// How the shop reaches a module that can run in its own process: <c>Shop:&lt;Module&gt;:Mode</c>, <c>Url</c> and
/// <c>Timeout</c>. Each such module binds its own section, with its service's default address.
/// </summary>
public class ModulePlacementOptions : IServiceAddress
{
    /// <summary>Creates the options with the module's service's default address.</summary>
    /// <param name="defaultUrl">The service's address unless configuration says otherwise.</param>
    protected ModulePlacementOptions(Uri defaultUrl) => Url = defaultUrl;

    /// <summary>In process or in its own process.</summary>
    /// <value>The default value is <see cref="ModulePlacement.InProcess"/>.</value>
    public ModulePlacement Mode { get; set; } = ModulePlacement.InProcess;

    /// <summary>The module's service's base address when <see cref="Mode"/> is <see cref="ModulePlacement.Remote"/>.</summary>
    [Required]
    public Uri Url { get; set; }

    /// <summary>How long one call to the module's service may take.</summary>
    /// <value>The default value is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether <c>&lt;section&gt;:Mode</c> places the module in its own process.</summary>
    /// <param name="configuration">The host's configuration.</param>
    /// <param name="section">The module's placement section, such as <c>Shop:Reviews</c>.</param>
    /// <returns><see langword="true"/> for <c>Remote</c>.</returns>
    public static bool IsRemote(IConfiguration configuration, string section)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection(section).GetValue<ModulePlacement?>(nameof(Mode)) == ModulePlacement.Remote;
    }
}
