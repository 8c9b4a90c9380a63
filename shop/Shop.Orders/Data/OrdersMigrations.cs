using Shop.Infrastructure.Data;

namespace Shop.Orders.Data;

internal static class OrdersMigrations
{
    public static readonly IReadOnlyList<ModuleMigration> All =
    [
        new("create orders, shipments and history", t => $"""
            CREATE TABLE orders_orders (
                id                TEXT PRIMARY KEY,
                customer_id       TEXT    NOT NULL,
                status            TEXT    NOT NULL CHECK (status IN ('Pending', 'Confirmed', 'Rejected')),
                reason            TEXT,
                lines_json        TEXT    NOT NULL,
                total_cents       {t.BigNumber} NOT NULL,
                currency          TEXT    NOT NULL,
                shipping_postcode TEXT    NOT NULL,
                placed_at         TEXT    NOT NULL,
                updated_at        TEXT    NOT NULL
            );
            CREATE TABLE orders_shipments (
                order_id   TEXT PRIMARY KEY,
                postcode   TEXT NOT NULL,
                status     TEXT NOT NULL CHECK (status IN ('booked', 'cancelled'))
            );
            CREATE TABLE orders_history (
                order_id    TEXT PRIMARY KEY,
                customer_id TEXT    NOT NULL,
                status      TEXT    NOT NULL,
                reason      TEXT,
                total_cents {t.BigNumber} NOT NULL,
                currency    TEXT    NOT NULL,
                placed_at   TEXT    NOT NULL,
                version     {t.BigNumber} NOT NULL
            );
            CREATE INDEX orders_history_by_customer ON orders_history (customer_id, placed_at);
            """),
    ];
}
