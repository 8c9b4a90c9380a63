using Bulwark.Data.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bulwark.Data;

/// <summary>Registers a core's SQL store; the core then maps its ports onto the one instance.</summary>
public static class SqlStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TStore"/> as a singleton on the database <paramref name="database"/> resolves, with
    /// the registered clock (the system clock when none is), migrated in the host's starting phase. A second
    /// registration of the same store changes nothing.
    /// </summary>
    /// <typeparam name="TStore">The store.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="database">Resolves the database.</param>
    /// <param name="create">Creates the store (its constructor; it does no I/O).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSqlStore<TStore>(this IServiceCollection services, Func<IServiceProvider, SqlDatabase> database, Func<SqlDatabase, TimeProvider, TStore> create)
        where TStore : SqlStore
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(create);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => create(database(sp), sp.GetRequiredService<TimeProvider>()));
        services.AddSchemaMigration<TStore>();
        return services;
    }

    /// <summary>
    /// Serves <typeparamref name="TPort"/> from the <typeparamref name="TStore"/> that <see cref="AddSqlStore{TStore}"/>
    /// registered, so every port a store implements is the one instance. An earlier registration of the port wins.
    /// </summary>
    /// <typeparam name="TPort">The core's port (its store interface).</typeparam>
    /// <typeparam name="TStore">The store that implements it.</typeparam>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSqlStorePort<TPort, TStore>(this IServiceCollection services)
        where TPort : class
        where TStore : SqlStore, TPort
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<TPort>(sp => sp.GetRequiredService<TStore>());
        return services;
    }
}
