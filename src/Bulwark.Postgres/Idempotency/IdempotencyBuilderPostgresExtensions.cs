using Bulwark.Idempotency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Bulwark.Postgres.Idempotency;

/// <summary>Chooses PostgreSQL for idempotency keys and the consumer inbox.</summary>
public static class IdempotencyBuilderPostgresExtensions
{
    /// <summary>
    /// Keeps idempotency keys and inbox records in the database of the registered <see cref="NpgsqlDataSource"/>
    /// (or of <paramref name="connectionString"/>), migrated when the host starts.
    /// </summary>
    /// <param name="builder">The idempotency builder.</param>
    /// <param name="connectionString">Used when no <see cref="NpgsqlDataSource"/> is registered.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder UsePostgres(this IIdempotencyBuilder builder, string? connectionString = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (connectionString is not null)
        {
            builder.Services.TryAddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        }

        return builder.UseSqlDatabase(sp => PostgresDatabase.Create(sp.GetRequiredService<NpgsqlDataSource>()));
    }
}
