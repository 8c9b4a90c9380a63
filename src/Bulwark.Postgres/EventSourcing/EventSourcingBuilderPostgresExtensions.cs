using Bulwark.EventSourcing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Bulwark.Postgres.EventSourcing;

/// <summary>Chooses PostgreSQL for events, snapshots, checkpoints and subject keys.</summary>
public static class EventSourcingBuilderPostgresExtensions
{
    /// <summary>
    /// Stores events in the database of the registered <see cref="NpgsqlDataSource"/> (or of
    /// <paramref name="connectionString"/>); tables are created on first use.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">Used when no <see cref="NpgsqlDataSource"/> is registered.</param>
    /// <returns>The builder.</returns>
    public static IEventSourcingBuilder UsePostgres(this IEventSourcingBuilder builder, string? connectionString = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (connectionString is not null)
        {
            services.TryAddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        }

        services.TryAddSingleton(sp => new PostgresEventStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IEventStore>(sp => sp.GetRequiredService<PostgresEventStore>());
        services.TryAddSingleton<ISnapshotStore>(sp => sp.GetRequiredService<PostgresEventStore>());
        services.TryAddSingleton<ICheckpointStore>(sp => sp.GetRequiredService<PostgresEventStore>());
        services.TryAddSingleton(sp => new PostgresSubjectKeyStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ISubjectKeyStore>(sp => sp.GetRequiredService<PostgresSubjectKeyStore>());
        return builder;
    }
}
