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
    /// (or of <paramref name="connectionString"/>); tables are created on first use.
    /// </summary>
    /// <param name="builder">The idempotency builder.</param>
    /// <param name="connectionString">Used when no <see cref="NpgsqlDataSource"/> is registered.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder UsePostgres(this IIdempotencyBuilder builder, string? connectionString = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        if (connectionString is not null)
        {
            services.TryAddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        }

        services.TryAddSingleton(sp => new PostgresIdempotencyStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IIdempotencyStore>(sp => sp.GetRequiredService<PostgresIdempotencyStore>());
        services.TryAddSingleton(sp => new PostgresInbox(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IInbox>(sp => sp.GetRequiredService<PostgresInbox>());
        return builder;
    }
}
