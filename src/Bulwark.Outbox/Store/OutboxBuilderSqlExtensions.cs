using Bulwark.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bulwark.Outbox;

/// <summary>Chooses a SQL database (any <see cref="SqlDialect"/>) as the outbox store.</summary>
public static class OutboxBuilderSqlExtensions
{
    /// <summary>
    /// Stores the outbox in <paramref name="database"/> (the one holding the business tables), migrated in the host's
    /// starting phase. The adapters' <c>UseSqlite</c> and <c>UsePostgres</c> call this.
    /// </summary>
    /// <param name="builder">The outbox builder.</param>
    /// <param name="database">Resolves the database.</param>
    /// <returns>The builder.</returns>
    public static IOutboxBuilder UseSqlDatabase(this IOutboxBuilder builder, Func<IServiceProvider, SqlDatabase> database)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(database);
        builder.Services.AddSqlStore(database, static (db, clock) => new SqlOutboxStore(db, clock));
        builder.Services.TryAddSingleton<IOutbox>(sp => sp.GetRequiredService<SqlOutboxStore>());
        builder.Services.TryAddSingleton<IOutboxStore>(sp => sp.GetRequiredService<SqlOutboxStore>());
        return builder;
    }
}
