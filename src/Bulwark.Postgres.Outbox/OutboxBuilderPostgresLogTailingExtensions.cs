using Bulwark.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Bulwark.Postgres.Outbox;

/// <summary>Adds PostgreSQL's log-tailing relay to the outbox.</summary>
public static class OutboxBuilderPostgresLogTailingExtensions
{
    /// <summary>
    /// Adds the log-tailing relay (logical replication) next to the polling relay: low latency, commit order, and the
    /// polling relay still picks up anything the slot did not see. Requires the outbox on PostgreSQL (<c>UsePostgres</c>).
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
