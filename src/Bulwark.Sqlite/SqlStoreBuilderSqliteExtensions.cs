using Bulwark.Data;

namespace Bulwark.Sqlite;

/// <summary>Chooses SQLite for any core's stores: <c>AddBulwarkOutbox().UseSqlite(cs)</c>, <c>AddBulwarkSagas().UseSqlite(cs)</c>, ...</summary>
public static class SqlStoreBuilderSqliteExtensions
{
    /// <summary>
    /// Keeps the core's stores in the SQLite database at <paramref name="connectionString"/> (the one holding the
    /// business tables), migrated in the host's starting phase. For event sourcing with subject keys in a second file,
    /// call <c>UseSqlDatabase(events, keys)</c> with <see cref="SqliteDataSource.CreateDatabase"/> for each.
    /// </summary>
    /// <typeparam name="TBuilder">The core's builder (outbox, idempotency, event sourcing, sagas).</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">The SQLite connection string, e.g. <c>Data Source=data/shop.db</c>.</param>
    /// <returns>The builder.</returns>
    public static TBuilder UseSqlite<TBuilder>(this TBuilder builder, string connectionString)
        where TBuilder : ISqlStoreBuilder<TBuilder>
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseSqlDatabase(_ => SqliteDataSource.CreateDatabase(connectionString));
    }
}
