using Shop.Infrastructure.Data;

namespace Shop.Analytics.Data;

internal static class AnalyticsMigrations
{
    public static readonly IReadOnlyList<ModuleMigration> All =
    [
        new("create counters", t => $"""
            CREATE TABLE analytics_counters (
                event_type TEXT PRIMARY KEY,
                count      {t.BigNumber} NOT NULL
            );
            """),
    ];
}
