using Bulwark.EventSourcing;

namespace Bulwark.Sqlite.EventSourcing;

/// <summary>Chooses SQLite for events, snapshots, checkpoints and subject keys.</summary>
public static class EventSourcingBuilderSqliteExtensions
{
    /// <summary>Stores events in <paramref name="connectionString"/> and subject keys in <paramref name="keysConnectionString"/>, migrated at start.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">The events database.</param>
    /// <param name="keysConnectionString">The keys database; keep it out of the event backups. The events database when <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static IEventSourcingBuilder UseSqlite(this IEventSourcingBuilder builder, string connectionString, string? keysConnectionString = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var events = SqliteDataSource.CreateDatabase(connectionString);
        var keys = keysConnectionString is null ? events : SqliteDataSource.CreateDatabase(keysConnectionString);
        return builder.UseSqlDatabase(_ => events, _ => keys);
    }
}
