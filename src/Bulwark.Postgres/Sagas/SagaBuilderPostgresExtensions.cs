using Bulwark.Sagas;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Bulwark.Postgres.Sagas;

/// <summary>Chooses PostgreSQL for saga state.</summary>
public static class SagaBuilderPostgresExtensions
{
    /// <summary>
    /// Keeps saga instances in the database of the registered <see cref="NpgsqlDataSource"/> (or of
    /// <paramref name="connectionString"/>), migrated when the host starts.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">Used when no <see cref="NpgsqlDataSource"/> is registered.</param>
    /// <returns>The builder.</returns>
    public static ISagaBuilder UsePostgres(this ISagaBuilder builder, string? connectionString = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (connectionString is not null)
        {
            builder.Services.TryAddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        }

        return builder.UseSqlDatabase(sp => PostgresDatabase.Create(sp.GetRequiredService<NpgsqlDataSource>()));
    }
}
