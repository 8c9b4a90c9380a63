using Bulwark.AspNetCore.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Shop.Infrastructure.Sqlite;

/// <summary>Registers a module's database, its start-up migration and its readiness check.</summary>
public static class ModuleDatabaseServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TDatabase"/> (a module's own subclass-free handle, resolved by type) as the
    /// module's database. Migrations run at start, before the server listens.
    /// </summary>
    public static IServiceCollection AddModuleDatabase<TDatabase>(
        this IServiceCollection services,
        string module,
        IReadOnlyList<Migration> migrations,
        Func<ModuleDatabase, TDatabase> wrap)
        where TDatabase : class
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ShopDataOptions>().BindConfiguration(ShopDataOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddKeyedSingleton(module, (sp, _) => new ModuleDatabase(
            module,
            sp.GetRequiredService<IOptions<ShopDataOptions>>().Value.Path,
            migrations,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Shop.Infrastructure.Migrations"),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => wrap(sp.GetRequiredKeyedService<ModuleDatabase>(module)));
        services.AddSingleton<IHostedService>(sp => new MigrationHostedService(sp.GetRequiredKeyedService<ModuleDatabase>(module)));
        services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration(
            $"sqlite:{module}",
            sp => new ModuleDatabaseHealthCheck(sp.GetRequiredKeyedService<ModuleDatabase>(module)),
            failureStatus: null,
            tags: [HealthTags.Ready]));
        return services;
    }

    private sealed class MigrationHostedService(ModuleDatabase database) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => database.MigrateAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
