using Bulwark.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bulwark.Sagas;

/// <summary>Chooses a SQL database (any <see cref="SqlDialect"/>) for saga state.</summary>
public static class SagaBuilderSqlExtensions
{
    /// <summary>
    /// Keeps saga instances in <paramref name="database"/>, migrated in the host's starting phase. The adapters'
    /// <c>UseSqlite</c> and <c>UsePostgres</c> call this.
    /// </summary>
    /// <param name="builder">The saga builder.</param>
    /// <param name="database">Resolves the database.</param>
    /// <returns>The builder.</returns>
    public static ISagaBuilder UseSqlDatabase(this ISagaBuilder builder, Func<IServiceProvider, SqlDatabase> database)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(database);
        builder.Services.AddSqlStore(database, static (db, clock) => new SqlSagaStore(db, clock));
        builder.Services.TryAddSingleton<ISagaStore>(sp => sp.GetRequiredService<SqlSagaStore>());
        return builder;
    }
}
