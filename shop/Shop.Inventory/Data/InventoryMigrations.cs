using Microsoft.Data.Sqlite;
using Shop.Infrastructure.Sqlite;

namespace Shop.Inventory.Data;

internal static class InventoryMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        Migration.Sql(1, "create stock and reservations", """
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
        new Migration(2, "seed demo stock", SeedAsync),
        // Stock sync (docs/anti-corruption-layer.md): what a unit cost at the last count, which deliveries were applied
        // (each once), and the lines set aside for a person instead of being applied.
        Migration.Sql(3, "stock sync: unit costs, applied batches, quarantine", """
            CREATE TABLE inventory_unit_costs (
                product_id      INTEGER PRIMARY KEY REFERENCES inventory_stock (product_id),
                unit_cost_cents INTEGER NOT NULL CHECK (unit_cost_cents >= 0),
                currency        TEXT    NOT NULL,
                counted_on      TEXT    NOT NULL
            );
            CREATE TABLE inventory_sync_batches (
                batch_id    TEXT    PRIMARY KEY,
                applied_at  TEXT    NOT NULL,
                applied     INTEGER NOT NULL,
                quarantined INTEGER NOT NULL
            );
            CREATE TABLE inventory_sync_quarantine (
                id          INTEGER PRIMARY KEY AUTOINCREMENT,
                batch_id    TEXT    NOT NULL,
                line_number INTEGER NOT NULL,
                raw         TEXT    NOT NULL,
                reason      TEXT    NOT NULL,
                received_at TEXT    NOT NULL
            );
            """),
    ];

    // Stock for the demo catalogue's 60 products; a few are deliberately scarce or sold out.
    private static async Task SeedAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO inventory_stock (product_id, on_hand) VALUES ($id, $onHand);";
        var id = insert.Parameters.Add("$id", SqliteType.Integer);
        var onHand = insert.Parameters.Add("$onHand", SqliteType.Integer);
        for (var productId = 1; productId <= 60; productId++)
        {
            id.Value = productId;
            onHand.Value = productId % 10 == 0 ? 0 : productId % 7 == 0 ? 2 : 25 + (productId * 13 % 75);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
