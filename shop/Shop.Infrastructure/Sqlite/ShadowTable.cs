using Microsoft.Data.Sqlite;

namespace Shop.Infrastructure.Sqlite;

/// <summary>
/// A copy of a read-model table to rebuild into while the live one keeps answering, then swap in (the shop's
/// <c>IShadowRebuildProjection</c>s). The shadow is created from the live table's own schema, so it follows every
/// migration without a second copy of the DDL; the live table's indexes are re-created on the swapped-in table.
/// </summary>
public static class ShadowTable
{
    /// <summary>Creates <paramref name="shadow"/> empty with <paramref name="live"/>'s columns and constraints, dropping a leftover one.</summary>
    public static async Task CreateAsync(ModuleDatabase database, string live, string shadow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync(cancellationToken);
        var ddl = (await SchemaAsync(connection, null, "table", live, cancellationToken)).SingleOrDefault()
            ?? throw new InvalidOperationException($"There is no table '{live}' to shadow; has the module migrated?");
        // Everything from the column list on; the name before it may be quoted (SQLite quotes it after a rename).
        var columns = ddl.IndexOf('(', StringComparison.Ordinal);
        if (!ddl.StartsWith("CREATE TABLE ", StringComparison.OrdinalIgnoreCase) || columns < 0)
        {
            throw new InvalidOperationException($"The schema of '{live}' is not a plain CREATE TABLE with a column list: {ddl}");
        }

        await using var command = connection.CreateCommand();
        command.CommandText = $"DROP TABLE IF EXISTS {shadow}; CREATE TABLE {shadow} {ddl[columns..]};";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Replaces <paramref name="live"/> with <paramref name="shadow"/> in one transaction: readers see one or the other.</summary>
    public static async Task SwapAsync(ModuleDatabase database, string live, string shadow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var swap = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        // Indexes belong to the table they were created on: dropping the live table drops them, so they are re-created.
        var indexes = await SchemaAsync(connection, swap, "index", live, cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = swap;
        command.CommandText = $"DROP TABLE {live}; ALTER TABLE {shadow} RENAME TO {live}; " + string.Concat(indexes.Select(sql => sql + ";"));
        await command.ExecuteNonQueryAsync(cancellationToken);
        await swap.CommitAsync(cancellationToken);
    }

    private static async Task<List<string>> SchemaAsync(SqliteConnection connection, SqliteTransaction? transaction, string type, string table, CancellationToken cancellationToken)
    {
        await using var query = connection.CreateCommand();
        query.Transaction = transaction;
        // sql is NULL for the automatic indexes behind PRIMARY KEY / UNIQUE: those come back with the table itself.
        query.CommandText = "SELECT sql FROM sqlite_master WHERE type = $type AND tbl_name = $table AND sql IS NOT NULL;";
        query.Parameters.AddWithValue("$type", type);
        query.Parameters.AddWithValue("$table", table);
        var found = new List<string>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(reader.GetString(0));
        }

        return found;
    }
}
