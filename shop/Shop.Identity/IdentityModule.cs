using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shop.Identity.Adapters;
using Shop.Identity.Api;
using Shop.Identity.Contracts;
using Shop.Identity.Ports;
using Shop.Identity.Users;
using Shop.Infrastructure.Sqlite;

namespace Shop.Identity;

/// <summary>The Identity module's one entry point: sign-up, with <c>UserRegistered</c> through the outbox.</summary>
public static class IdentityModule
{
    /// <summary>The module's name, also the prefix of its tables.</summary>
    public const string Name = "identity";

    /// <summary>
    /// Registers the sign-up use case on the SQLite adapter. Needs an outbox (<c>AddBulwarkOutbox().UseSqlite(...)</c>)
    /// on the shop database.
    /// </summary>
    public static IServiceCollection AddIdentityModule(this IServiceCollection services)
    {
        services.AddModuleDatabase(Name, IdentityMigrations.All, db => new IdentityDatabase(db));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IUserStore, SqliteUserStore>();
        services.AddSingleton<IPasswordHashing, AspNetPasswordHashing>();
        services.AddSingleton<RegistrationService>();
        services.AddSingleton<IIdentityApi, IdentityApi>();
        return services;
    }

    /// <summary>Maps <c>/api/users</c>.</summary>
    public static IEndpointRouteBuilder MapIdentityEndpoints(this IEndpointRouteBuilder endpoints)
    {
        IdentityEndpoints.Map(endpoints);
        return endpoints;
    }
}
