using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Bulwark.Data.Schema;

/// <summary>
/// Migrates every registered store's schema in the host's <em>starting</em> phase: the host runs every
/// <see cref="IHostedLifecycleService.StartingAsync"/> before any hosted service's <c>StartAsync</c>, so relays,
/// consumers and requests find their tables whatever the registration order. Stores are migrated in registration
/// order; each owns its own tables, so that order carries no meaning.
/// </summary>
internal sealed class SchemaMigrationService(IEnumerable<ISchemaOwner> owners) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        foreach (var owner in owners)
        {
            await owner.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Something that owns tables and brings them to its latest schema (idempotent, safe on every start).</summary>
public interface ISchemaOwner
{
    /// <summary>Creates or upgrades the owner's tables.</summary>
    /// <param name="cancellationToken">Cancels the migration.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    Task MigrateAsync(CancellationToken cancellationToken = default);
}

/// <summary>Registers schema migrations that run when the host starts.</summary>
public static class SchemaServiceCollectionExtensions
{
    /// <summary>
    /// Migrates the registered <typeparamref name="TOwner"/> singleton's schema in the host's starting phase, before
    /// any hosted service starts. Registering the same owner twice migrates it once.
    /// </summary>
    /// <typeparam name="TOwner">A store registered as a singleton of its own type.</typeparam>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSchemaMigration<TOwner>(this IServiceCollection services)
        where TOwner : class, ISchemaOwner
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(Registered<TOwner>)))
        {
            return services;
        }

        services.AddSingleton<Registered<TOwner>>();
        services.AddSingleton<ISchemaOwner>(sp => sp.GetRequiredService<TOwner>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SchemaMigrationService>());
        return services;
    }

    // Marks an owner as registered, so a second registration does not migrate it twice.
    private sealed class Registered<TOwner>;
}
