using Bulwark.Consistency.Contracts.Idempotency;
using Bulwark.Idempotency;

namespace Bulwark.Sqlite.Tests.Idempotency;

public sealed class SqliteIdempotencyStoreTests : IdempotencyStoreContract
{
    private readonly SqliteTestDatabase _database = new();

    public override ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }

    protected override async Task<IIdempotencyStore> CreateStoreAsync(CancellationToken cancellationToken)
    {
        var store = new SqlIdempotencyStore(SqliteDataSource.CreateDatabase(_database.ConnectionString), Time);
        await store.MigrateAsync(cancellationToken);
        return store;
    }
}
