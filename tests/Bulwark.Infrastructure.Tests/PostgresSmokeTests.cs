using Bulwark.Testing;
using Npgsql;

namespace Bulwark.Infrastructure.Tests;

public sealed class PostgresSmokeTests
{
    [Fact]
    public async Task Select1_AsBulwarkRole_ReturnsOne()
    {
        await RealServers.RequireAsync(RealServer.Postgres);
        var ct = TestContext.Current.CancellationToken;
        await using var dataSource = NpgsqlDataSource.Create(RealServers.PostgresConnectionString);
        await using var command = dataSource.CreateCommand("SELECT 1");

        var result = await command.ExecuteScalarAsync(ct);

        Assert.Equal(1, result);
    }

    [Fact]
    public async Task WalLevel_OnTestServer_IsLogicalAndRoleMayReplicate()
    {
        await RealServers.RequireAsync(RealServer.Postgres);
        var ct = TestContext.Current.CancellationToken;
        await using var dataSource = NpgsqlDataSource.Create(RealServers.PostgresConnectionString);

        await using var show = dataSource.CreateCommand("SHOW wal_level");
        var walLevel = await show.ExecuteScalarAsync(ct);
        // Outbox/CDC suites read the WAL through logical replication, which needs both of these.
        await using var role = dataSource.CreateCommand(
            "SELECT rolsuper AND rolreplication FROM pg_roles WHERE rolname = current_user");
        var mayReplicate = await role.ExecuteScalarAsync(ct);

        Assert.Equal("logical", walLevel);
        Assert.Equal(true, mayReplicate);
    }
}
