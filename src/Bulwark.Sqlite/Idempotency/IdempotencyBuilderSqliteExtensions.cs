using Bulwark.Idempotency;

namespace Bulwark.Sqlite.Idempotency;

/// <summary>Chooses SQLite for idempotency keys and the consumer inbox.</summary>
public static class IdempotencyBuilderSqliteExtensions
{
    /// <summary>Keeps idempotency keys and inbox records in the SQLite database at <paramref name="connectionString"/>, migrated at start.</summary>
    /// <param name="builder">The idempotency builder.</param>
    /// <param name="connectionString">The SQLite connection string.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder UseSqlite(this IIdempotencyBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseSqlDatabase(_ => SqliteDataSource.CreateDatabase(connectionString));
    }
}
