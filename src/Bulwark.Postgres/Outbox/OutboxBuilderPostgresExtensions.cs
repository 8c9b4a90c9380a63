using Bulwark.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Bulwark.Postgres.Outbox;

/// <summary>Chooses PostgreSQL as the outbox store.</summary>
public static class OutboxBuilderPostgresExtensions
{
    /// <summary>
    /// Stores the outbox in the PostgreSQL database of the registered <see cref="NpgsqlDataSource"/> (or of
    /// <paramref name="connectionString"/>); the table is created on first use.
    /// </summary>
    /// <param name="builder">The outbox builder.</param>
    /// <param name="connectionString">Used when no <see cref="NpgsqlDataSource"/> is registered.</param>
    /// <returns>The builder.</returns>
    public static IOutboxBuilder UsePostgres(this IOutboxBuilder builder, string? connectionString = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(TimeProvider.System);
        if (connectionString is not null)
        {
            builder.Services.TryAddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        }

        builder.Services.TryAddSingleton(sp => new PostgresOutboxStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.TryAddSingleton<IOutbox>(sp => sp.GetRequiredService<PostgresOutboxStore>());
        builder.Services.TryAddSingleton<IOutboxStore>(sp => sp.GetRequiredService<PostgresOutboxStore>());
        return builder;
    }
}
