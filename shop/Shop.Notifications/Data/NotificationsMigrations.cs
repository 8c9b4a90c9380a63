using Shop.Infrastructure.Data;

namespace Shop.Notifications.Data;

internal static class NotificationsMigrations
{
    public static readonly IReadOnlyList<ModuleMigration> All =
    [
        new("create outbox and recipients", t => $"""
            CREATE TABLE notifications_recipients (
                user_id      TEXT PRIMARY KEY,
                email        TEXT NOT NULL,
                display_name TEXT NOT NULL
            );
            CREATE TABLE notifications_outbox (
                id         {t.IdentityKey},
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
