using Shop.Infrastructure.Sqlite;

namespace Shop.Rewards.Data;

internal sealed class RewardsDatabase(ModuleDatabase database)
{
    public ModuleDatabase Database { get; } = database;
}

internal static class RewardsMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        Migration.Sql(1, "create ledger", """
            CREATE TABLE rewards_ledger (
                id          INTEGER PRIMARY KEY AUTOINCREMENT,
                user_id     TEXT NOT NULL,
                reason      TEXT NOT NULL,
                points      INTEGER NOT NULL,
                message_id  TEXT NOT NULL,
                credited_at TEXT NOT NULL
            );
            CREATE INDEX ix_rewards_ledger_user ON rewards_ledger (user_id);
            """),
    ];
}
