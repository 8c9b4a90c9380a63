using Npgsql;

namespace Bulwark.Testing;

/// <summary>Throw-away databases on the real PostgreSQL server (<see cref="RealServers.PostgresConnectionString"/>).</summary>
public static class PostgresScratch
{
    private const string DuplicateDatabase = "42P04";

    /// <summary>The connection string of <paramref name="database"/> on the test server.</summary>
    public static string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(RealServers.PostgresConnectionString) { Database = database }.ToString();

    /// <summary>Creates <paramref name="database"/> unless it exists (skips or fails when the server is missing).</summary>
    /// <returns>Its connection string.</returns>
    public static async Task<string> CreateAsync(string database)
    {
        await RealServers.RequireAsync(RealServer.Postgres);
        await using var admin = new NpgsqlConnection(RealServers.PostgresConnectionString);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
        try
        {
            await command.ExecuteNonQueryAsync();
        }
        catch (PostgresException e) when (e.SqlState == DuplicateDatabase)
        {
            // A shop restarted on the same data stands for the same database.
        }

        return ConnectionString(database);
    }

    /// <summary>Drops <paramref name="database"/>, closing whatever still holds a connection to it.</summary>
    public static async Task DropAsync(string database)
    {
        await using (var pooled = new NpgsqlConnection(ConnectionString(database)))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await using var admin = new NpgsqlConnection(RealServers.PostgresConnectionString);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin);
        await command.ExecuteNonQueryAsync();
    }
}
