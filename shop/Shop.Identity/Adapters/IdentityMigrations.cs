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
    ];
}
