using Bulwark.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Bulwark.Sqlite.Outbox;

/// <summary>Chooses SQLite as the outbox store.</summary>
public static class OutboxBuilderSqliteExtensions
{
    /// <summary>
    /// Stores the outbox in the SQLite database at <paramref name="connectionString"/> (the one holding the business
    /// tables) and migrates it when the host starts.
    /// </summary>
    /// <param name="builder">The outbox builder.</param>
    /// <param name="connectionString">The SQLite connection string, e.g. <c>Data Source=data/shop.db</c>.</param>
    /// <returns>The builder.</returns>
    public static IOutboxBuilder UseSqlite(this IOutboxBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(sp => new SqliteOutboxStore(connectionString, sp.GetRequiredService<TimeProvider>()));
        builder.Services.TryAddSingleton<IOutbox>(sp => sp.GetRequiredService<SqliteOutboxStore>());
        builder.Services.TryAddSingleton<IOutboxStore>(sp => sp.GetRequiredService<SqliteOutboxStore>());

        // Inserted first so the schema exists before the relay or any request runs.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp =>
            new SqliteMigrationHostedService(sp.GetRequiredService<SqliteOutboxStore>().MigrateAsync)));
        return builder;
    }
}
