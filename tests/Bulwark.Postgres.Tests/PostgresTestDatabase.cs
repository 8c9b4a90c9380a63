using Bulwark.Testing;
using Npgsql;

namespace Bulwark.Postgres.Tests;

/// <summary>A throw-away PostgreSQL database per test class on the real server.</summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    private readonly string _name = $"bulwark_test_{Guid.NewGuid():N}";
    private NpgsqlDataSource? _dataSource;

    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("Call CreateAsync first.");

    public string ConnectionString => new NpgsqlConnectionStringBuilder(RealServers.PostgresConnectionString) { Database = _name, MaxPoolSize = 40 }.ToString();

    public async Task CreateAsync()
    {
        await RealServers.RequireAsync(RealServer.Postgres);
        await using (var admin = new NpgsqlConnection(RealServers.PostgresConnectionString))
        {
            await admin.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {_name}", admin);
            await command.ExecuteNonQueryAsync();
        }

        _dataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(ConnectionString);

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is null)
        {
            return;
        }

        await _dataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(RealServers.PostgresConnectionString);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", admin);
        await command.ExecuteNonQueryAsync();
    }
}
