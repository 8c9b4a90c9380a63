using Microsoft.Data.Sqlite;

namespace Shop.Infrastructure.Sqlite;

/// <summary>One forward-only schema step of a module's database. Versions only ever grow; applied steps never change.</summary>
public sealed record Migration(int Version, string Name, Func<SqliteConnection, SqliteTransaction, CancellationToken, Task> Apply)
{
    /// <summary>A migration that runs one SQL script.</summary>
    public static Migration Sql(int version, string name, string sql) => new(version, name, async (connection, transaction, ct) =>
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    });
}
