using Bulwark.Data;

namespace Bulwark.EventSourcing;

/// <summary>Chooses a SQL database (any <see cref="SqlDialect"/>) for events, snapshots, checkpoints and subject keys.</summary>
public static class EventSourcingBuilderSqlExtensions
{
    /// <summary>
    /// Stores events, snapshots and checkpoints in <paramref name="events"/> and subject keys in <paramref name="keys"/>,
    /// both migrated in the host's starting phase. The adapters' <c>UseSqlite</c> and <c>UsePostgres</c> call this.
    /// </summary>
    /// <param name="builder">The event sourcing builder.</param>
    /// <param name="events">Resolves the events database.</param>
    /// <param name="keys">Resolves the keys database (keep it out of the event backups); the events database when <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static IEventSourcingBuilder UseSqlDatabase(this IEventSourcingBuilder builder, Func<IServiceProvider, SqlDatabase> events, Func<IServiceProvider, SqlDatabase>? keys = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(events);
        builder.Services.AddSqlStore(events, static (db, clock) => new SqlEventStore(db, clock))
            .AddSqlStorePort<IEventStore, SqlEventStore>()
            .AddSqlStorePort<ISnapshotStore, SqlEventStore>()
            .AddSqlStorePort<ICheckpointStore, SqlEventStore>()
            .AddSqlStore(keys ?? events, static (db, clock) => new SqlSubjectKeyStore(db, clock))
            .AddSqlStorePort<ISubjectKeyStore, SqlSubjectKeyStore>();
        return builder;
    }
}
