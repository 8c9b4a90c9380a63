using System.Data.Common;
using Bulwark.Consistency.Contracts.Outbox;
using Bulwark.Outbox;
using Npgsql;

namespace Bulwark.Postgres.Tests.Outbox;

public sealed class PostgresOutboxStoreTests : OutboxContract<SqlOutboxStore>
{
    private readonly PostgresTestDatabase _database = new();
    private readonly List<NpgsqlDataSource> _dataSources = [];

    public override async ValueTask InitializeAsync() => await _database.CreateAsync();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _database.DataSource.OpenConnectionAsync(cancellationToken);

    protected override async Task<SqlOutboxStore> CreateOutboxCoreAsync(CancellationToken cancellationToken)
    {
        // Each instance gets its own pool, like a relay in another process.
        var dataSource = _database.CreateDataSource();
        _dataSources.Add(dataSource);
        var store = new SqlOutboxStore(PostgresDatabase.Create(dataSource), Time);
        await store.MigrateAsync(cancellationToken);
        return store;
    }
}
