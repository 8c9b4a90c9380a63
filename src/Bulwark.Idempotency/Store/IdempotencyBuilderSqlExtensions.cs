using Bulwark.Data;
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
        builder.Services.AddSqlStore(database, static (db, clock) => new SqlIdempotencyStore(db, clock));
        builder.Services.TryAddSingleton<IIdempotencyStore>(sp => sp.GetRequiredService<SqlIdempotencyStore>());
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
        builder.Services.AddSqlStore(database, static (db, clock) => new SqlInbox(db, clock));
        builder.Services.TryAddSingleton<IInbox>(sp => sp.GetRequiredService<SqlInbox>());
        return builder;
    }
}
