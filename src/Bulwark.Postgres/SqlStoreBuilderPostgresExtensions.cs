using Bulwark.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Bulwark.Postgres;

/// <summary>Chooses PostgreSQL for any core's stores: <c>AddBulwarkOutbox().UsePostgres()</c>, <c>AddBulwarkSagas().UsePostgres()</c>, ...</summary>
public static class SqlStoreBuilderPostgresExtensions
{
    /// <summary>
    /// Keeps the core's stores in the database of the registered <see cref="NpgsqlDataSource"/> (or of
    /// <paramref name="connectionString"/>), migrated in the host's starting phase.
    /// </summary>
    /// <typeparam name="TBuilder">The core's builder (outbox, idempotency, event sourcing, sagas).</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">Used when no <see cref="NpgsqlDataSource"/> is registered.</param>
    /// <returns>The builder.</returns>
    public static TBuilder UsePostgres<TBuilder>(this TBuilder builder, string? connectionString = null)
        where TBuilder : ISqlStoreBuilder<TBuilder>
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (connectionString is not null)
        {
            builder.Services.TryAddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        }

        return builder.UseSqlDatabase(sp => PostgresDatabase.Create(sp.GetRequiredService<NpgsqlDataSource>()));
    }
}
