using System.Data.Common;
using Bulwark.Consistency.Contracts.Outbox;
using Bulwark.Outbox;

namespace Bulwark.Sqlite.Tests.Outbox;

public sealed class SqliteOutboxStoreTests : OutboxContract<SqlOutboxStore>
{
    private readonly SqliteTestDatabase _database = new();

    public override ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }

    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) => await _database.OpenAsync(cancellationToken);

    protected override async Task<SqlOutboxStore> CreateOutboxCoreAsync(CancellationToken cancellationToken)
    {
        var store = new SqlOutboxStore(SqliteDataSource.CreateDatabase(_database.ConnectionString), Time);
        await store.MigrateAsync(cancellationToken);
        return store;
    }

    [Fact]
    public async Task Enqueue_SchemaNotMigrated_ThrowsNamingTheFix()
    {
        using var store = new SqlOutboxStore(SqliteDataSource.CreateDatabase(_database.ConnectionString), Time);
        await using var connection = await _database.OpenAsync(Ct);
        await using var transaction = await connection.BeginTransactionAsync(Ct);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.EnqueueAsync(connection, transaction, "t", "k", new byte[1], cancellationToken: Ct));
        Assert.Contains("MigrateAsync", error.Message, StringComparison.Ordinal);
    }
}
