using Shop.Infrastructure.Data;

namespace Shop.Returns.Data;

internal static class ReturnsMigrations
{
    public static readonly IReadOnlyList<ModuleMigration> All =
    [
        new("create requests", t => $"""
            CREATE TABLE returns_requests (
                id                 TEXT PRIMARY KEY,
                order_id           TEXT NOT NULL,
                reason             TEXT NOT NULL,
                status             TEXT NOT NULL,
                error              TEXT NULL,
                photos             TEXT NOT NULL,
                message_body_bytes {t.BigNumber} NULL,
                claim_checked      {t.BigNumber} NULL,
                created_at         TEXT NOT NULL,
                processed_at       TEXT NULL
            );
            """),
    ];
}
