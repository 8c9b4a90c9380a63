using Shop.Infrastructure.Sqlite;

namespace Shop.Inventory.Data;

internal sealed class InventoryDatabase(ModuleDatabase database)
{
    public ModuleDatabase Database { get; } = database;
}
