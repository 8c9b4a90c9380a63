using Bulwark.Idempotency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Bulwark.Sqlite.Idempotency;

/// <summary>Chooses SQLite for idempotency keys and the consumer inbox.</summary>
public static class IdempotencyBuilderSqliteExtensions
{
    /// <summary>Keeps idempotency keys and inbox records in the SQLite database at <paramref name="connectionString"/>, migrated at start.</summary>
    /// <param name="builder">The idempotency builder.</param>
    /// <param name="connectionString">The SQLite connection string.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder UseSqlite(this IIdempotencyBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SqliteIdempotencyStore(connectionString, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IIdempotencyStore>(sp => sp.GetRequiredService<SqliteIdempotencyStore>());
        services.TryAddSingleton(sp => new SqliteInbox(connectionString, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IInbox>(sp => sp.GetRequiredService<SqliteInbox>());
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => new SqliteMigrationHostedService(async ct =>
        {
            await sp.GetRequiredService<SqliteIdempotencyStore>().MigrateAsync(ct).ConfigureAwait(false);
            await sp.GetRequiredService<SqliteInbox>().MigrateAsync(ct).ConfigureAwait(false);
        })));
        return builder;
    }
}
