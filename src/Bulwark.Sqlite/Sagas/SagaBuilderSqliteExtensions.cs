using Bulwark.Sagas;

namespace Bulwark.Sqlite.Sagas;

/// <summary>Chooses SQLite for saga state.</summary>
public static class SagaBuilderSqliteExtensions
{
    /// <summary>Keeps saga instances in the SQLite database at <paramref name="connectionString"/>, migrated at start.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">The SQLite connection string.</param>
    /// <returns>The builder.</returns>
    public static ISagaBuilder UseSqlite(this ISagaBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseSqlDatabase(_ => SqliteDataSource.CreateDatabase(connectionString));
    }
}
