using System.Globalization;
using Bulwark.Data;
using Bulwark.Data.Schema;
using Microsoft.Data.Sqlite;

namespace Bulwark.Sqlite.Tests.Data;

/// <summary>
/// Expand/contract in the one migrator (issue 15, Database): an old release keeps starting on a schema a newer one only
/// expanded, contract steps wait for permission, and once applied the old release refuses to start, naming the fix.
/// </summary>
public sealed class ExpandContractTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Release 1 knows the table; release 2 adds a nullable column (expand) and then requires it (contract: a trigger,
    // since SQLite cannot add NOT NULL to an existing column).
    private static SchemaComponent Release1() => new SchemaComponent("notes").For(SqlDialectNames.Sqlite,
        "CREATE TABLE notes_rows (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL);");

    private static SchemaComponent Release2() => new SchemaComponent("notes").For(SqlDialectNames.Sqlite,
        "CREATE TABLE notes_rows (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL);",
        "ALTER TABLE notes_rows ADD COLUMN author TEXT;",
        """
        UPDATE notes_rows SET author = 'unknown' WHERE author IS NULL;
        CREATE TRIGGER notes_rows_author_required BEFORE INSERT ON notes_rows WHEN NEW.author IS NULL
        BEGIN SELECT RAISE(ABORT, 'notes_rows.author is required'); END;
        """).Contracts(3);

    [Fact]
    public async Task MigrateAsync_NewReleaseWithoutPermission_AppliesExpandStepsAndStopsBeforeTheContract()
    {
        using var database = new SqliteTestDatabase();
        var sql = SqliteDataSource.CreateDatabase(database.ConnectionString);
        await SchemaMigrator.MigrateAsync(sql, Release1(), TimeProvider.System, Ct);

        Assert.Equal(1, await SchemaMigrator.MigrateAsync(sql, Release2(), TimeProvider.System, Ct));

        var status = await SchemaMigrator.StatusAsync(sql, Release2(), Ct);
        Assert.Equal((2, 0), (status.Applied, status.Floor));
        Assert.Equal([3], status.PendingContract);
        // The old release's insert, which does not know the column, still works.
        await ExecuteAsync(database, "INSERT INTO notes_rows (body) VALUES ('from release 1');");
    }

    [Fact]
    public async Task MigrateAsync_OldReleaseOnAnExpandedSchema_StartsAndAppliesNothing()
    {
        using var other = new SqliteTestDatabase();
        var otherSql = SqliteDataSource.CreateDatabase(other.ConnectionString);
        await SchemaMigrator.MigrateAsync(otherSql, Release1(), TimeProvider.System, Ct);
        await SchemaMigrator.MigrateAsync(otherSql, Release2(), TimeProvider.System, Ct);

        Assert.Equal(0, await SchemaMigrator.MigrateAsync(otherSql, Release1(), TimeProvider.System, Ct));
    }

    [Fact]
    public async Task MigrateAsync_WithContract_AppliesItAndTheOldReleaseThenRefusesNamingTheFix()
    {
        using var database = new SqliteTestDatabase();
        var sql = SqliteDataSource.CreateDatabase(database.ConnectionString);
        await SchemaMigrator.MigrateAsync(sql, Release1(), TimeProvider.System, Ct);
        await ExecuteAsync(database, "INSERT INTO notes_rows (body) VALUES ('written by release 1');");
        await SchemaMigrator.MigrateAsync(sql, Release2(), TimeProvider.System, Ct);

        Assert.Equal(1, await SchemaMigrator.MigrateAsync(sql, Release2(), SchemaMigrationOptions.WithContract, TimeProvider.System, Ct));

        Assert.Equal(3, (await SchemaMigrator.StatusAsync(sql, Release2(), Ct)).Floor);
        Assert.Equal(1, await ScalarAsync(database, "SELECT COUNT(*) FROM notes_rows WHERE author = 'unknown';"));
        var refused = await Assert.ThrowsAsync<SchemaContractedException>(() => SchemaMigrator.MigrateAsync(sql, Release1(), TimeProvider.System, Ct));
        Assert.Equal((3, 1), (refused.Floor, refused.Known));
        Assert.Contains("Start the release that knows version 3", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateAsync_FreshDatabase_TakesContractStepsToo()
    {
        using var database = new SqliteTestDatabase();
        var sql = SqliteDataSource.CreateDatabase(database.ConnectionString);

        Assert.Equal(3, await SchemaMigrator.MigrateAsync(sql, Release2(), TimeProvider.System, Ct));

        Assert.Equal(3, (await SchemaMigrator.StatusAsync(sql, Release2(), Ct)).Floor);
    }

    [Fact]
    public async Task MigrateAsync_OldAndNewReleasesStartTogether_EachStepOnceAndNoContract()
    {
        for (var round = 0; round < 5; round++)
        {
            using var database = new SqliteTestDatabase();
            var sql = SqliteDataSource.CreateDatabase(database.ConnectionString);
            await SchemaMigrator.MigrateAsync(sql, Release1(), TimeProvider.System, Ct);

            // Eight processes, old and new releases mixed, none told that the old one is gone.
            var starts = Enumerable.Range(0, 8).Select(i => Task.Run(
                () => SchemaMigrator.MigrateAsync(SqliteDataSource.CreateDatabase(database.ConnectionString), i % 2 == 0 ? Release1() : Release2(), TimeProvider.System, Ct),
                Ct));
            var applied = await Task.WhenAll(starts);

            Assert.Equal(1, applied.Sum());
            Assert.Equal(2, await ScalarAsync(database, $"SELECT COUNT(*) FROM {SchemaMigrator.HistoryTable} WHERE component = 'notes';"));
            Assert.Equal(0, await ScalarAsync(database, $"SELECT COUNT(*) FROM {SchemaMigrator.FloorTable};"));
        }
    }

    private static async Task ExecuteAsync(SqliteTestDatabase database, string sql)
    {
        await using var connection = await database.OpenAsync(Ct);
        await using var command = new SqliteCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<long> ScalarAsync(SqliteTestDatabase database, string sql)
    {
        await using var connection = await database.OpenAsync(Ct);
        await using var command = new SqliteCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), CultureInfo.InvariantCulture);
    }
}
