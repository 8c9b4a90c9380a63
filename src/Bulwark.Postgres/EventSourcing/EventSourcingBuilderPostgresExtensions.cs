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
    /// <paramref name="connectionString"/>), migrated when the host starts.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">Used when no <see cref="NpgsqlDataSource"/> is registered.</param>
    /// <returns>The builder.</returns>
    public static IEventSourcingBuilder UsePostgres(this IEventSourcingBuilder builder, string? connectionString = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (connectionString is not null)
        {
            builder.Services.TryAddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        }

        return builder.UseSqlDatabase(sp => PostgresDatabase.Create(sp.GetRequiredService<NpgsqlDataSource>()));
    }
}
