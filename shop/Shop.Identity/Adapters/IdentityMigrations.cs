using Bulwark.Data;
using Shop.Infrastructure.Data;

namespace Shop.Identity.Adapters;

internal static class IdentityMigrations
{
    /// <summary>The scheme of every hash this release writes: ASP.NET Core Identity's PBKDF2 format (its own versioned header).</summary>
    public const string AspNetScheme = "aspnet-identity";

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

        // Expand (this release): each hash names its scheme, so a later release can move to another hasher and still
        // verify old hashes. Nullable: the release before writes rows without it, and this one reads NULL as the ASP.NET
        // scheme, the only one that release wrote.
        ModuleMigration.Sql("add password schemes", "ALTER TABLE identity_users ADD COLUMN password_scheme TEXT;") with { ThisRelease = true },

        // Contract (this release, once the release before is gone): backfill, then require a scheme on every hash. The
        // release before inserts hashes without one, which is why this waits for POST /api/schema/contract (or
        // Shop:Schema:ApplyContract) and why that release refuses to start afterwards. SQLite cannot add a constraint to
        // an existing table, so a trigger enforces it there (passwords are never changed in place, so inserts only).
        ModuleMigration.Contract("require password schemes", new Dictionary<string, string>
        {
            [SqlDialectNames.Sqlite] = $"""
                UPDATE identity_users SET password_scheme = '{AspNetScheme}' WHERE password_scheme IS NULL AND password_hash IS NOT NULL;
                CREATE TRIGGER identity_users_password_scheme_required BEFORE INSERT ON identity_users
                WHEN NEW.password_hash IS NOT NULL AND NEW.password_scheme IS NULL
                BEGIN SELECT RAISE(ABORT, 'identity_users.password_scheme is required with a password_hash'); END;
                """,
            [SqlDialectNames.Postgres] = $"""
                UPDATE identity_users SET password_scheme = '{AspNetScheme}' WHERE password_scheme IS NULL AND password_hash IS NOT NULL;
                ALTER TABLE identity_users ADD CONSTRAINT identity_users_password_scheme_required CHECK (password_hash IS NULL OR password_scheme IS NOT NULL);
                """,
        }) with { ThisRelease = true },
    ];
}
