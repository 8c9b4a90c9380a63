using Shop.Infrastructure.Sqlite;

namespace Shop.Notifications.Data;

internal sealed class NotificationsDatabase(ModuleDatabase database)
{
    public ModuleDatabase Database { get; } = database;
}

internal static class NotificationsMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        Migration.Sql(1, "create outbox and recipients", """
            CREATE TABLE notifications_recipients (
                user_id      TEXT PRIMARY KEY,
                email        TEXT NOT NULL,
                display_name TEXT NOT NULL
            );
            CREATE TABLE notifications_outbox (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                user_id    TEXT NOT NULL,
                kind       TEXT NOT NULL,
                recipient  TEXT NULL,
                subject    TEXT NOT NULL,
                body       TEXT NOT NULL,
                message_id TEXT NOT NULL,
                created_at TEXT NOT NULL
            );
            CREATE INDEX ix_notifications_outbox_user ON notifications_outbox (user_id);
            """),
    ];
}
