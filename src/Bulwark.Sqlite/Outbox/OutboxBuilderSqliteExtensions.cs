using Bulwark.Outbox;

namespace Bulwark.Sqlite.Outbox;

/// <summary>Chooses SQLite as the outbox store.</summary>
public static class OutboxBuilderSqliteExtensions
{
    /// <summary>
    /// Stores the outbox in the SQLite database at <paramref name="connectionString"/> (the one holding the business
    /// tables) and migrates it when the host starts.
    /// </summary>
    /// <param name="builder">The outbox builder.</param>
    /// <param name="connectionString">The SQLite connection string, e.g. <c>Data Source=data/shop.db</c>.</param>
    /// <returns>The builder.</returns>
    public static IOutboxBuilder UseSqlite(this IOutboxBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseSqlDatabase(_ => SqliteDataSource.CreateDatabase(connectionString));
    }
}
