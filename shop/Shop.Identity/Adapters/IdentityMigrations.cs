using Shop.Infrastructure.Data;

namespace Shop.Identity.Adapters;

internal static class IdentityMigrations
{
    public static readonly IReadOnlyList<ModuleMigration> All =
    [
        ModuleMigration.Sql("create users", """
            CREATE TABLE identity_users (
                id            TEXT PRIMARY KEY,
                email         TEXT NOT NULL UNIQUE,
                display_name  TEXT NOT NULL,
                registered_at TEXT NOT NULL
            );
            """),
        // Users from before sign-in have no password (NULL) and cannot sign in until one is set.
        ModuleMigration.Sql("add password hashes", "ALTER TABLE identity_users ADD COLUMN password_hash TEXT;"),
    ];
}
