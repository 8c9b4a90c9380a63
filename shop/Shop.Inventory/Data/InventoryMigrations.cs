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
    ];
}
