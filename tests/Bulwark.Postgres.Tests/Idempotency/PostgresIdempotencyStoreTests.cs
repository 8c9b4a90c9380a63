using Bulwark.Consistency.Contracts.Idempotency;
using Bulwark.Idempotency;

namespace Bulwark.Postgres.Tests.Idempotency;

public sealed class PostgresIdempotencyStoreTests : IdempotencyStoreContract
{
    private readonly PostgresTestDatabase _database = new();

    public override async ValueTask InitializeAsync() => await _database.CreateAsync();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
    }

    protected override async Task<IIdempotencyStore> CreateStoreAsync(CancellationToken cancellationToken)
    {
        var store = new SqlIdempotencyStore(PostgresDatabase.Create(_database.DataSource), Time);
        await store.MigrateAsync(cancellationToken);
        return store;
    }
}
