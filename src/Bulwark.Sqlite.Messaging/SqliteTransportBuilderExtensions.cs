using Bulwark.Data.Schema;
using Bulwark.Messaging;
using Bulwark.Messaging.Transport;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bulwark.Sqlite.Messaging;

/// <summary>Selects the embedded SQLite transport.</summary>
public static class SqliteTransportBuilderExtensions
{
    /// <summary>Uses the embedded durable transport (one SQLite file; no server). The last <c>Use*</c> transport wins.</summary>
    /// <param name="builder">The messaging builder.</param>
    /// <param name="configure">Adjusts the options (database path, visibility timeout, poll interval).</param>
    /// <returns>The builder.</returns>
    public static IMessagingBuilder UseSqliteTransport(this IMessagingBuilder builder, Action<SqliteTransportOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseTransport<SqliteTransportOptions, SqliteMessageTransport>(
            configure,
            static (options, timeProvider, logger) => new SqliteMessageTransport(options, timeProvider, logger));
        builder.Services.TryAddSingleton<TransportSchema>();
        builder.Services.AddSchemaMigration<TransportSchema>();
        return builder;
    }

    // Migrates the transport in the host's starting phase, unless a later Use* call chose another transport.
    private sealed class TransportSchema(IMessageTransport transport) : ISchemaOwner
    {
        public Task MigrateAsync(CancellationToken cancellationToken = default) =>
            transport is SqliteMessageTransport sqlite ? sqlite.MigrateAsync(cancellationToken) : Task.CompletedTask;
    }
}
