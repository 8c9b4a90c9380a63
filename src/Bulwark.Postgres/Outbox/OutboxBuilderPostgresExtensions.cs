using Bulwark.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Bulwark.Postgres.Outbox;

/// <summary>Chooses PostgreSQL as the outbox store.</summary>
public static class OutboxBuilderPostgresExtensions
{
    /// <summary>
    /// Stores the outbox in the PostgreSQL database of the registered <see cref="NpgsqlDataSource"/> (or of
    /// <paramref name="connectionString"/>), migrated when the host starts.
    /// </summary>
    /// <param name="builder">The outbox builder.</param>
    /// <param name="connectionString">Used when no <see cref="NpgsqlDataSource"/> is registered.</param>
    /// <returns>The builder.</returns>
    public static IOutboxBuilder UsePostgres(this IOutboxBuilder builder, string? connectionString = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (connectionString is not null)
        {
            builder.Services.TryAddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        }

        return builder.UseSqlDatabase(sp => PostgresDatabase.Create(sp.GetRequiredService<NpgsqlDataSource>()));
    }

    /// <summary>
    /// Adds the log-tailing relay (logical replication) next to the polling relay: low latency, commit order, and the
    /// polling relay still picks up anything the slot did not see. Requires <see cref="UsePostgres"/>.
    /// </summary>
    /// <param name="builder">The outbox builder.</param>
    /// <param name="configure">Sets the connection string (a role with REPLICATION), slot and publication.</param>
    /// <returns>The builder.</returns>
    public static IOutboxBuilder WithPostgresLogTailing(this IOutboxBuilder builder, Action<PostgresLogTailingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<PostgresLogTailingOptions>().BindConfiguration(PostgresLogTailingOptions.SectionName).Configure(configure).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton<PostgresLogTailingRelay>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgresLogTailingRelay>(sp => sp.GetRequiredService<PostgresLogTailingRelay>()));
        return builder;
    }
}
