using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Bulwark.Data.Benchmarks;

/// <summary>A fresh SQLite file or PostgreSQL database per benchmark class.</summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private const string PostgresAdmin = "Host=127.0.0.1;Port=5432;Username=bulwark;Password=bulwark;Database=postgres";
    private readonly string _name = $"bulwark_bench_{Guid.NewGuid():N}";

    private BenchDatabase(string provider) => Provider = provider;

    public string Provider { get; }

    public string SqlitePath => Path.Combine(Path.GetTempPath(), _name + ".db");

    public string SqliteConnectionString => $"Data Source={SqlitePath};Default Timeout=60";

    public NpgsqlDataSource? Postgres { get; private set; }

    public string PostgresConnectionString => new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = _name }.ToString();

    public static async Task<BenchDatabase> CreateAsync(string provider)
    {
        var database = new BenchDatabase(provider);
        if (provider == "postgres")
        {
            await using (var admin = new NpgsqlConnection(PostgresAdmin))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {database._name}", admin);
                await create.ExecuteNonQueryAsync();
            }

            database.Postgres = NpgsqlDataSource.Create(database.PostgresConnectionString);
        }

        return database;
    }

    /// <summary>Creates a database and builds on it; drops the database again when building fails.</summary>
    public static async Task<T> BuildAsync<T>(string provider, Func<BenchDatabase, Task<T>> build)
    {
        var database = await CreateAsync(provider);
        try
        {
            return await build(database);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public async Task<DbConnection> OpenAsync()
    {
        if (Postgres is not null)
        {
            return await Postgres.OpenConnectionAsync();
        }

        var connection = new SqliteConnection(SqliteConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(PostgresAdmin);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
            return;
        }

        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { SqlitePath, SqlitePath + "-wal", SqlitePath + "-shm" })
        {
            File.Delete(file);
        }
    }
}
