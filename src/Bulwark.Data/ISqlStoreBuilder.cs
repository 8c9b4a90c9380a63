using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Data;

/// <summary>
/// A core's builder whose stores can live in a SQL database. It lets one adapter method (<c>UseSqlite</c>,
/// <c>UsePostgres</c>) serve every core without the adapter package referencing any of them, so taking the SQLite
/// outbox does not pull in sagas or messaging (docs/adr/0005-adapter-packages.md).
/// </summary>
/// <typeparam name="TBuilder">The core's own builder interface, returned so calls keep chaining.</typeparam>
public interface ISqlStoreBuilder<out TBuilder>
    where TBuilder : ISqlStoreBuilder<TBuilder>
{
    /// <summary>The service collection being configured.</summary>
    IServiceCollection Services { get; }

    /// <summary>Keeps this core's stores in <paramref name="database"/>, migrated in the host's starting phase.</summary>
    /// <param name="database">Resolves the database.</param>
    /// <returns>The builder.</returns>
    TBuilder UseSqlDatabase(Func<IServiceProvider, SqlDatabase> database);
}
