using Bulwark.Data;

namespace Bulwark.Idempotency;

/// <summary>Chooses a SQL database (any <see cref="SqlDialect"/>) for the consumer inbox alone.</summary>
public static class IdempotencyBuilderSqlExtensions
{
    /// <summary>Keeps only the consumer inbox in <paramref name="database"/>, migrated in the host's starting phase.</summary>
    /// <param name="builder">The idempotency builder.</param>
    /// <param name="database">Resolves the database that holds the handlers' tables.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder UseSqlInbox(this IIdempotencyBuilder builder, Func<IServiceProvider, SqlDatabase> database)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSqlStore(database, static (db, clock) => new SqlInbox(db, clock))
            .AddSqlStorePort<IInbox, SqlInbox>();
        return builder;
    }

    /// <summary>Keeps the consumers' sequence guard (<see cref="ISequenceGuard"/>) in <paramref name="database"/>, migrated in the host's starting phase.</summary>
    /// <param name="builder">The idempotency builder.</param>
    /// <param name="database">Resolves the database that holds the handlers' tables.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder UseSqlSequenceGuard(this IIdempotencyBuilder builder, Func<IServiceProvider, SqlDatabase> database)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSqlStore(database, static (db, clock) => new SqlSequenceGuard(db, clock))
            .AddSqlStorePort<ISequenceGuard, SqlSequenceGuard>();
        return builder;
    }
}
