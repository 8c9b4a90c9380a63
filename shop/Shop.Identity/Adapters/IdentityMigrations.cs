using Shop.Infrastructure.Sqlite;

namespace Shop.Identity.Adapters;

internal sealed class IdentityDatabase(ModuleDatabase database)
{
    public ModuleDatabase Database { get; } = database;
}

internal static class IdentityMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        Migration.Sql(1, "create users", """
            CREATE TABLE identity_users (
                id            TEXT PRIMARY KEY,
                email         TEXT NOT NULL UNIQUE,
                display_name  TEXT NOT NULL,
                registered_at TEXT NOT NULL
            );
            """),
        // Users from before sign-in have no password (NULL) and cannot sign in until one is set.
        Migration.Sql(2, "add password hashes", "ALTER TABLE identity_users ADD COLUMN password_hash TEXT;"),
    ];
}
