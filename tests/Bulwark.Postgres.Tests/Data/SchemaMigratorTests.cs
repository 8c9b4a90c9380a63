using Bulwark.Data;
using Bulwark.Data.Schema;
using Npgsql;

namespace Bulwark.Postgres.Tests.Data;

/// <summary>The one migrator on the real server: several processes migrating a fresh database at once (issue 11).</summary>
public sealed class SchemaMigratorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SchemaComponent Counter(string name) => new SchemaComponent(name).For(
        SqlDialectNames.Postgres,
        $"CREATE TABLE {name}_rows (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text NOT NULL);",
        $"INSERT INTO {name}_rows (note) VALUES ('v2');");

    [Fact]
    public async Task MigrateAsync_EightProcessesAndFourComponentsOnAFreshDatabase_EachScriptRunsOnce()
    {
        for (var round = 0; round < 3; round++)
        {
            await using var database = new PostgresTestDatabase();
            await database.CreateAsync();
            var dataSources = Enumerable.Range(0, 8).Select(_ => database.CreateDataSource()).ToList();
            try
            {
                // Different components racing on a database without the history table yet: with a lock per component
                // two of them created the shared table at once.
                var applied = await Task.WhenAll(dataSources.Select((source, i) => Task.Run(
                    () => SchemaMigrator.MigrateAsync(PostgresDatabase.Create(source), Counter($"c{i % 4}"), TimeProvider.System, Ct),
                    Ct)));

                Assert.Equal(8, applied.Sum());
                for (var component = 0; component < 4; component++)
                {
                    Assert.Equal(1L, await ScalarAsync(database.DataSource, $"SELECT COUNT(*) FROM c{component}_rows;"));
                }

                Assert.Equal(8L, await ScalarAsync(database.DataSource, $"SELECT COUNT(*) FROM {SchemaMigrator.HistoryTable};"));
            }
            finally
            {
                foreach (var source in dataSources)
                {
                    await source.DisposeAsync();
                }
            }
        }
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
