using Shop.Infrastructure.Sqlite;

namespace Shop.Returns.Data;

internal sealed class ReturnsDatabase(ModuleDatabase database)
{
    public ModuleDatabase Database { get; } = database;
}

internal static class ReturnsMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        Migration.Sql(1, "create requests", """
            CREATE TABLE returns_requests (
                id                 TEXT PRIMARY KEY,
                order_id           TEXT NOT NULL,
                reason             TEXT NOT NULL,
                status             TEXT NOT NULL,
                error              TEXT NULL,
                photos             TEXT NOT NULL,
                message_body_bytes INTEGER NULL,
                claim_checked      INTEGER NULL,
                created_at         TEXT NOT NULL,
                processed_at       TEXT NULL
            );
            """),
    ];
}
