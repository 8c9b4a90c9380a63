using Bulwark.Data;
using Bulwark.Data.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bulwark.Idempotency;

/// <summary>Chooses a SQL database (any <see cref="SqlDialect"/>) for idempotency keys and the consumer inbox.</summary>
public static class IdempotencyBuilderSqlExtensions
{
    /// <summary>
    /// Keeps idempotency keys and inbox records in <paramref name="database"/>, migrated in the host's starting phase.
    /// The adapters' <c>UseSqlite</c> and <c>UsePostgres</c> call this.
    /// </summary>
    /// <param name="builder">The idempotency builder.</param>
    /// <param name="database">Resolves the database.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder UseSqlDatabase(this IIdempotencyBuilder builder, Func<IServiceProvider, SqlDatabase> database)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(database);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SqlIdempotencyStore(database(sp), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IIdempotencyStore>(sp => sp.GetRequiredService<SqlIdempotencyStore>());
        services.AddSchemaMigration<SqlIdempotencyStore>();
        return builder.UseSqlInbox(database);
    }

    /// <summary>Keeps only the consumer inbox in <paramref name="database"/>, migrated in the host's starting phase.</summary>
    /// <param name="builder">The idempotency builder.</param>
    /// <param name="database">Resolves the database that holds the handlers' tables.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder UseSqlInbox(this IIdempotencyBuilder builder, Func<IServiceProvider, SqlDatabase> database)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(database);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SqlInbox(database(sp), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IInbox>(sp => sp.GetRequiredService<SqlInbox>());
        services.AddSchemaMigration<SqlInbox>();
        return builder;
    }
}
