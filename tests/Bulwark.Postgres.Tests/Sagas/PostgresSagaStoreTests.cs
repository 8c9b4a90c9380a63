using Bulwark.Consistency.Contracts.Sagas;
using Bulwark.Sagas;

namespace Bulwark.Postgres.Tests.Sagas;

public sealed class PostgresSagaStoreTests : SagaContract
{
    private readonly PostgresTestDatabase _database = new();

    public override async ValueTask InitializeAsync() => await _database.CreateAsync();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
    }

    protected override async Task<ISagaStore> CreateStoreAsync(CancellationToken cancellationToken)
    {
        var store = new SqlSagaStore(PostgresDatabase.Create(_database.DataSource), Time);
        await store.MigrateAsync(cancellationToken);
        return store;
    }
}
