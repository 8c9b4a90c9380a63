using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Shop.Identity.Contracts;
using Shop.Identity.Remote;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Modules;
using Shop.Infrastructure.ServiceClients;

namespace Shop.Identity;

/// <summary>
/// Identity's contract in a process that does not host Identity (an extracted module's service, Codex 31):
/// <see cref="IIdentityApi"/> over HTTP to the shop's <c>GET /api/users/{id}</c>, called as an operator
/// (<c>Shop:Identity:Remote</c>: <c>Url</c>, <c>ApiKey</c>, <c>ApiKeyHeader</c>, <c>Timeout</c>, validated at start). No
/// tables and no endpoints here: the users are the shop's.
/// </summary>
public sealed class RemoteIdentityModule : IShopModule
{
    /// <summary>The name of the HttpClient that reaches Identity, for adding handlers to it.</summary>
    public const string RemoteClientName = "identity-remote";

    private RemoteIdentityModule()
    {
    }

    /// <summary>The same name as <see cref="IdentityModule"/>: one module, reached elsewhere.</summary>
    public static string Name => IdentityModule.Name;

    /// <summary>None: the users' tables are the shop's.</summary>
    public static IReadOnlyList<ModuleMigration> Migrations => [];

    /// <summary>Registers <see cref="IIdentityApi"/> over HTTP.</summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddServiceClient<RemoteIdentityOptions>(RemoteClientName, RemoteIdentityOptions.SectionName)
            .ConfigureHttpClient((sp, http) =>
            {
                var options = sp.GetRequiredService<IOptions<RemoteIdentityOptions>>().Value;
                http.DefaultRequestHeaders.Add(options.ApiKeyHeader, options.ApiKey);
            })
            .AddTypedClient<IIdentityApi, IdentityHttpClient>();
    }

    /// <summary>None: Identity's endpoints are the shop's.</summary>
    public static void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }
}
