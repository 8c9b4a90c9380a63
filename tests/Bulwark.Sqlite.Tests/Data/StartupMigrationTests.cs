using Bulwark.Outbox;
using Bulwark.Sqlite.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bulwark.Sqlite.Tests.Data;

/// <summary>Start-up work runs in the host's starting phase, not in constructors nor by list position (issue 11).</summary>
public sealed class StartupMigrationTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "bulwark-startup-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HostStarts_HostedServiceListedBeforeTheMigration_FindsTheOutboxTable()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddBulwarkOutbox().UseSqlite(_database.ConnectionString);

        // First in the list, ahead of anything the outbox registered: under ordering by list position it would write
        // before the table existed.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => new EnqueueOnStart(sp.GetRequiredService<IOutbox>(), _database)));
        using var host = builder.Build();

        await host.StartAsync(Ct);
        await host.StopAsync(Ct);

        // The row is there, pending or already relayed: the relay runs between start and stop and may have sent it
        // (a CI run saw the backlog empty for that reason), and either way the write found its table.
        await using var connection = await _database.OpenAsync(Ct);
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM bulwark_outbox WHERE topic = 't'";
        Assert.Equal(1L, Convert.ToInt64(await count.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task SqliteTransport_Constructed_TouchesNoDiskUntilMigrated()
    {
        var path = Path.Combine(_folder, "messages.db");

        await using var transport = new SqliteMessageTransport(new SqliteTransportOptions { DatabasePath = path }, TimeProvider.System, NullLogger<SqliteMessageTransport>.Instance);
        Assert.False(Directory.Exists(_folder));

        await transport.MigrateAsync(Ct);
        Assert.True(File.Exists(path));
    }

    public void Dispose()
    {
        _database.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private sealed class EnqueueOnStart(IOutbox outbox, SqliteTestDatabase database) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await outbox.EnqueueAsync(connection, transaction, "t", "k", new byte[] { 1 }, cancellationToken: cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
