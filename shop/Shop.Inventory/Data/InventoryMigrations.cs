using Shop.Infrastructure.Data;

namespace Shop.Inventory.Data;

internal static class InventoryMigrations
{
    public static readonly IReadOnlyList<ModuleMigration> All =
    [
        ModuleMigration.Sql("create stock and reservations", """
            CREATE TABLE inventory_stock (
                product_id INTEGER PRIMARY KEY,
                on_hand    INTEGER NOT NULL CHECK (on_hand >= 0),
                reserved   INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand)
            );
            CREATE TABLE inventory_reservations (
                reservation_id TEXT    NOT NULL,
                product_id     INTEGER NOT NULL REFERENCES inventory_stock (product_id),
                quantity       INTEGER NOT NULL CHECK (quantity > 0),
                status         TEXT    NOT NULL CHECK (status IN ('reserved', 'released', 'committed')),
                PRIMARY KEY (reservation_id, product_id)
            );
            """),
        // Stock for the demo catalogue's 60 products; a few are deliberately scarce or sold out.
        ModuleMigration.Seed("seed demo stock", "inventory_stock", ["product_id", "on_hand"],
            Enumerable.Range(1, 60).Select(id => new object[] { id, id % 10 == 0 ? 0 : id % 7 == 0 ? 2 : 25 + (id * 13 % 75) })),
        // Stock sync (docs/anti-corruption-layer.md): what a unit cost at the last count, which deliveries were applied
        // (each once), and the lines set aside for a person instead of being applied. Times are the dialect's timestamp;
        // counted_on is the ERP's calendar date as ISO text (yyyy-MM-dd), the same on both dialects.
        new("stock sync: unit costs, applied batches, quarantine", t => $"""
            CREATE TABLE inventory_unit_costs (
                product_id      INTEGER PRIMARY KEY REFERENCES inventory_stock (product_id),
                unit_cost_cents {t.BigNumber} NOT NULL CHECK (unit_cost_cents >= 0),
                currency        TEXT    NOT NULL,
                counted_on      TEXT    NOT NULL
            );
            CREATE TABLE inventory_sync_batches (
                batch_id    TEXT    PRIMARY KEY,
                applied_at  {t.Timestamp} NOT NULL,
                applied     INTEGER NOT NULL,
                quarantined INTEGER NOT NULL
            );
            CREATE TABLE inventory_sync_quarantine (
                id          {t.IdentityKey},
                batch_id    TEXT    NOT NULL,
                line_number INTEGER NOT NULL,
                raw         TEXT    NOT NULL,
                reason      TEXT    NOT NULL,
                received_at {t.Timestamp} NOT NULL
            );
            """),
    ];
}
