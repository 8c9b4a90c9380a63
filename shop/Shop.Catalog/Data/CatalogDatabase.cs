using Shop.Infrastructure.Sqlite;

namespace Shop.Catalog.Data;

internal sealed class CatalogDatabase(ModuleDatabase database)
{
    public ModuleDatabase Database { get; } = database;
}
