using Bulwark.Data;
using Bulwark.Data.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SqlEventStore(events(sp), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IEventStore>(sp => sp.GetRequiredService<SqlEventStore>());
        services.TryAddSingleton<ISnapshotStore>(sp => sp.GetRequiredService<SqlEventStore>());
        services.TryAddSingleton<ICheckpointStore>(sp => sp.GetRequiredService<SqlEventStore>());
        services.TryAddSingleton(sp => new SqlSubjectKeyStore((keys ?? events)(sp), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ISubjectKeyStore>(sp => sp.GetRequiredService<SqlSubjectKeyStore>());
        services.AddSchemaMigration<SqlEventStore>();
        services.AddSchemaMigration<SqlSubjectKeyStore>();
        return builder;
    }
}
