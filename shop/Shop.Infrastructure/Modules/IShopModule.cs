using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shop.Infrastructure.Data;

namespace Shop.Infrastructure.Modules;

/// <summary>
/// The one shape of a shop module: a name, its schema as data, its services and its endpoints. The host adds every
/// module the same way (<see cref="ShopModuleServiceCollectionExtensions.AddShopModule{TModule}"/>) and maps them all
/// with <see cref="ShopModuleServiceCollectionExtensions.MapShopModules"/>. See docs/shop.md, "One module shape".
/// </summary>
public interface IShopModule
{
    /// <summary>The module's name: the prefix of its tables, event types and metrics, and its migration track.</summary>
    static abstract string Name { get; }

    /// <summary>
    /// The module's tables, one forward-only step a version (empty for a module without tables). The host migrates
    /// them in its starting phase, before any hosted service starts; <see cref="ModuleDatabase{TModule}"/> is
    /// registered for the module when the list is not empty.
    /// </summary>
    static abstract IReadOnlyList<ModuleMigration> Migrations { get; }

    /// <summary>Registers the module's services.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The host's configuration, for settings read while registering.</param>
    static abstract void AddServices(IServiceCollection services, IConfiguration configuration);

    /// <summary>Maps the module's endpoints.</summary>
    /// <param name="endpoints">The endpoint builder.</param>
    static abstract void MapEndpoints(IEndpointRouteBuilder endpoints);
}
