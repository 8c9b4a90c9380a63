using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Configuration;
using Shop.Identity.Adapters;
using Shop.Identity.Api;
using Shop.Identity.Contracts;
using Shop.Identity.Ports;
using Shop.Identity.Users;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.EventSourcing;
using Shop.Infrastructure.Modules;

namespace Shop.Identity;

/// <summary>The Identity module's one entry point: sign-up, with <c>UserRegistered</c> through the outbox.</summary>
public sealed class IdentityModule : IShopModule
{
    private IdentityModule()
    {
    }

    /// <summary>The module's name, also the prefix of its tables.</summary>
    public static string Name => "identity";

    /// <inheritdoc />
    public static IReadOnlyList<ModuleMigration> Migrations => IdentityMigrations.All;

    /// <summary>The configuration section bound to ASP.NET Core's <see cref="PasswordHasherOptions"/>.</summary>
    public const string PasswordHasherSection = "Shop:Identity:PasswordHasher";

    private const int MinimumProductionIterations = 100_000;

    /// <summary>
    /// Registers the sign-up use case on the SQL adapter (SQLite or PostgreSQL, whichever the shop database is). Needs
    /// an outbox on the shop database (<c>AddBulwarkOutbox().UseSqlDatabase(ShopDatabase.Resolve)</c>).
    /// </summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IUserStore, SqlUserStore>();
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
        // Forgetting a customer shreds their key in the shop's key store (the event log's, shared with data products).
        services.AddShopEventSourcing(_ => { });
        services.AddSingleton<CustomerErasure>();
    }

    /// <summary>Maps <c>/api/users</c>.</summary>
    public static void MapEndpoints(IEndpointRouteBuilder endpoints) => IdentityEndpoints.Map(endpoints);
}
