using Bulwark.Sagas;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Bulwark.Sqlite.Sagas;

/// <summary>Chooses SQLite for saga state.</summary>
public static class SagaBuilderSqliteExtensions
{
    /// <summary>Keeps saga instances in the SQLite database at <paramref name="connectionString"/>, migrated at start.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">The SQLite connection string.</param>
    /// <returns>The builder.</returns>
    public static ISagaBuilder UseSqlite(this ISagaBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        builder.Services.TryAddSingleton(sp => new SqliteSagaStore(connectionString, sp.GetRequiredService<TimeProvider>()));
        builder.Services.TryAddSingleton<ISagaStore>(sp => sp.GetRequiredService<SqliteSagaStore>());
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => new SqliteMigrationHostedService(sp.GetRequiredService<SqliteSagaStore>().MigrateAsync)));
        return builder;
    }
}
