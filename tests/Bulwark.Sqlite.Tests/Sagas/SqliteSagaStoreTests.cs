using Bulwark.Consistency.Contracts.Sagas;
using Bulwark.Sagas;

namespace Bulwark.Sqlite.Tests.Sagas;

public sealed class SqliteSagaStoreTests : SagaContract
{
    private readonly SqliteTestDatabase _database = new();

    public override ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }

    protected override async Task<ISagaStore> CreateStoreAsync(CancellationToken cancellationToken)
    {
        var store = new SqlSagaStore(SqliteDataSource.CreateDatabase(_database.ConnectionString), Time);
        await store.MigrateAsync(cancellationToken);
        return store;
    }
}
