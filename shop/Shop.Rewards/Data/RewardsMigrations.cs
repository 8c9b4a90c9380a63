using Shop.Infrastructure.Data;

namespace Shop.Rewards.Data;

internal static class RewardsMigrations
{
    public static readonly IReadOnlyList<ModuleMigration> All =
    [
        new("create ledger", t => $"""
            CREATE TABLE rewards_ledger (
                id          {t.IdentityKey},
                user_id     TEXT NOT NULL,
                reason      TEXT NOT NULL,
                points      {t.BigNumber} NOT NULL,
                message_id  TEXT NOT NULL,
                credited_at TEXT NOT NULL
            );
            CREATE INDEX ix_rewards_ledger_user ON rewards_ledger (user_id);
            """),
    ];
}
