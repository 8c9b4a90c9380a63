using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
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

    /// <summary>The configuration section bound to ASP.NET Core's <see cref="PasswordHasherOptions"/>.</summary>
    public const string PasswordHasherSection = "Shop:Identity:PasswordHasher";

    private const int MinimumProductionIterations = 100_000;

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
        // PBKDF2's work factor. Tests sign up hundreds of customers and may lower it in Development; outside Development
        // nothing below ASP.NET Core's own default (100,000) starts.
        services.AddOptions<PasswordHasherOptions>()
            .BindConfiguration(PasswordHasherSection)
            .Validate<IHostEnvironment>(
                (o, environment) => environment.IsDevelopment() || o.IterationCount >= MinimumProductionIterations,
                $"{PasswordHasherSection}:IterationCount is below {MinimumProductionIterations:N0}; a lower work factor is allowed only in Development.")
            .ValidateOnStart();
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
