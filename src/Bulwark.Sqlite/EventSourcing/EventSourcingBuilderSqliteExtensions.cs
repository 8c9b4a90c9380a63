using Bulwark.EventSourcing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

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
        var services = builder.Services;
        services.TryAddSingleton(sp => new SqliteEventStore(connectionString, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IEventStore>(sp => sp.GetRequiredService<SqliteEventStore>());
        services.TryAddSingleton<ISnapshotStore>(sp => sp.GetRequiredService<SqliteEventStore>());
        services.TryAddSingleton<ICheckpointStore>(sp => sp.GetRequiredService<SqliteEventStore>());
        services.TryAddSingleton(sp => new SqliteSubjectKeyStore(keysConnectionString ?? connectionString, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ISubjectKeyStore>(sp => sp.GetRequiredService<SqliteSubjectKeyStore>());
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => new SqliteMigrationHostedService(async ct =>
        {
            await sp.GetRequiredService<SqliteEventStore>().MigrateAsync(ct).ConfigureAwait(false);
            await sp.GetRequiredService<SqliteSubjectKeyStore>().MigrateAsync(ct).ConfigureAwait(false);
        })));
        return builder;
    }
}
