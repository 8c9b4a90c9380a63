using System.Data.Common;
using Bulwark.Data;

namespace Shop.Infrastructure.Data;

/// <summary>
/// A copy of a read-model table to rebuild into while the live one keeps answering, then swap in (the shop's
/// <c>IShadowRebuildProjection</c>s). The shadow is created from the live table's own schema, so it follows every
/// migration without a second copy of the DDL; the live table's indexes come back on the swapped-in table.
/// </summary>
public static class ShadowTable
{
    /// <summary>Creates <paramref name="shadow"/> empty with <paramref name="live"/>'s columns and constraints, dropping a leftover one.</summary>
    /// <param name="database">The shop database.</param>
    /// <param name="live">The live table.</param>
    /// <param name="shadow">The shadow table.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when the shadow exists.</returns>
    public static async Task CreateAsync(ShopDatabase database, string live, string shadow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync(cancellationToken);
        string sql;
        if (database.Dialect.Name == SqlDialectNames.Postgres)
        {
            // LIKE ... INCLUDING ALL copies columns, defaults, constraints and indexes (under fresh names).
            sql = $"DROP TABLE IF EXISTS {shadow}; CREATE TABLE {shadow} (LIKE {live} INCLUDING ALL);";
        }
        else
        {
            var ddl = (await SqliteSchemaAsync(connection, null, "table", live, cancellationToken)).SingleOrDefault()
                ?? throw new InvalidOperationException($"There is no table '{live}' to shadow; has the module migrated?");
            // Everything from the column list on; the name before it may be quoted (SQLite quotes it after a rename).
            var columns = ddl.IndexOf('(', StringComparison.Ordinal);
            if (!ddl.StartsWith("CREATE TABLE ", StringComparison.OrdinalIgnoreCase) || columns < 0)
            {
                throw new InvalidOperationException($"The schema of '{live}' is not a plain CREATE TABLE with a column list: {ddl}");
            }

            sql = $"DROP TABLE IF EXISTS {shadow}; CREATE TABLE {shadow} {ddl[columns..]};";
        }

        await using var command = connection.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Replaces <paramref name="live"/> with <paramref name="shadow"/> in one transaction: readers see one or the other.</summary>
    /// <param name="database">The shop database.</param>
    /// <param name="live">The live table.</param>
    /// <param name="shadow">The shadow table.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when the shadow is live.</returns>
    public static async Task SwapAsync(ShopDatabase database, string live, string shadow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var swap = await database.Dialect.BeginWriteAsync(connection, cancellationToken);
        // SQLite: indexes belong to the table they were created on, so dropping the live table drops them and they are
        // re-created. PostgreSQL: the shadow already has them (LIKE ... INCLUDING ALL).
        var indexes = database.Dialect.Name == SqlDialectNames.Postgres
            ? []
            : await SqliteSchemaAsync(connection, swap, "index", live, cancellationToken);
        await using var command = connection.CreateCommand($"DROP TABLE {live}; ALTER TABLE {shadow} RENAME TO {live}; " + string.Concat(indexes.Select(sql => sql + ";")), swap);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await swap.CommitAsync(cancellationToken);
    }

    private static async Task<List<string>> SqliteSchemaAsync(DbConnection connection, DbTransaction? transaction, string type, string table, CancellationToken cancellationToken)
    {
        // sql is NULL for the automatic indexes behind PRIMARY KEY / UNIQUE: those come back with the table itself.
        await using var query = connection.CreateCommand("SELECT sql FROM sqlite_master WHERE type = @type AND tbl_name = @table AND sql IS NOT NULL;", transaction)
            .With("type", type)
            .With("table", table);
        var found = new List<string>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(reader.GetString(0));
        }

        return found;
    }
}
