using System.Globalization;
using Bulwark.Data;
using Bulwark.Data.Schema;
using Microsoft.Data.Sqlite;

namespace Bulwark.Sqlite.Tests.Data;

/// <summary>The one migrator on SQLite: idempotent, and serialized when several processes start at once (issue 11).</summary>
public sealed class SchemaMigratorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SchemaComponent Counter(string name) => new SchemaComponent(name).For(
        SqlDialectNames.Sqlite,
        $"CREATE TABLE {name}_rows (id INTEGER PRIMARY KEY AUTOINCREMENT, note TEXT NOT NULL);",
        $"INSERT INTO {name}_rows (note) VALUES ('v2');");

    [Fact]
    public async Task MigrateAsync_RunTwice_SecondAppliesNothing()
    {
        using var database = new SqliteTestDatabase();
        var sql = SqliteDataSource.CreateDatabase(database.ConnectionString);

        Assert.Equal(2, await SchemaMigrator.MigrateAsync(sql, Counter("c"), TimeProvider.System, Ct));
        Assert.Equal(0, await SchemaMigrator.MigrateAsync(sql, Counter("c"), TimeProvider.System, Ct));

        Assert.Equal(1, await ScalarAsync(database, "SELECT COUNT(*) FROM c_rows;"));
    }

    [Fact]
    public async Task MigrateAsync_EightProcessesStartTogether_EachScriptRunsOnce()
    {
        for (var round = 0; round < 5; round++)
        {
            using var database = new SqliteTestDatabase();

            // A data source per caller, like separate processes; two components, so they also share the history table.
            var migrations = Enumerable.Range(0, 8).Select(i => Task.Run(
                () => SchemaMigrator.MigrateAsync(SqliteDataSource.CreateDatabase(database.ConnectionString), Counter(i % 2 == 0 ? "a" : "b"), TimeProvider.System, Ct),
                Ct));
            var applied = await Task.WhenAll(migrations);

            Assert.Equal(4, applied.Sum());
            Assert.Equal(1, await ScalarAsync(database, "SELECT COUNT(*) FROM a_rows;"));
            Assert.Equal(1, await ScalarAsync(database, "SELECT COUNT(*) FROM b_rows;"));
            Assert.Equal(4, await ScalarAsync(database, $"SELECT COUNT(*) FROM {SchemaMigrator.HistoryTable};"));
        }
    }

    [Fact]
    public async Task ScriptsFor_DialectWithoutScripts_ThrowsNamingTheDialects()
    {
        var postgresOnly = new SchemaComponent("pg-only").For(SqlDialectNames.Postgres, "SELECT 1;");

        var error = Assert.Throws<NotSupportedException>(() => postgresOnly.ScriptsFor(SqliteDialect.Instance));

        Assert.Contains("sqlite", error.Message, StringComparison.Ordinal);
        Assert.Contains("postgres", error.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    private static async Task<long> ScalarAsync(SqliteTestDatabase database, string sql)
    {
        await using var connection = await database.OpenAsync(Ct);
        await using var command = new SqliteCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), CultureInfo.InvariantCulture);
    }
}
