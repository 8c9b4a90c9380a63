using Shop.Infrastructure.Sqlite;

namespace Shop.Analytics.Data;

internal sealed class AnalyticsDatabase(ModuleDatabase database)
{
    public ModuleDatabase Database { get; } = database;
}

internal static class AnalyticsMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        Migration.Sql(1, "create counters", """
            CREATE TABLE analytics_counters (
                event_type TEXT PRIMARY KEY,
                count      INTEGER NOT NULL
            );
            """),
    ];
}
