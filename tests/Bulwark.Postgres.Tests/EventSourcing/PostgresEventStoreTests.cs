using Bulwark.Consistency.Contracts.EventSourcing;
using Bulwark.EventSourcing;
using Npgsql;

namespace Bulwark.Postgres.Tests.EventSourcing;

public sealed class PostgresEventStoreTests : EventStoreContract<SqlEventStore>
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

    protected override async Task<SqlEventStore> CreateStoreAsync(CancellationToken cancellationToken)
    {
        var dataSource = _database.CreateDataSource();
        _dataSources.Add(dataSource);
        var store = new SqlEventStore(PostgresDatabase.Create(dataSource), Time);
        await store.MigrateAsync(cancellationToken);
        return store;
    }

    protected override async Task<ISubjectKeyStore> CreateKeyStoreAsync(CancellationToken cancellationToken)
    {
        var keys = new SqlSubjectKeyStore(PostgresDatabase.Create(_database.DataSource), Time);
        await keys.MigrateAsync(cancellationToken);
        return keys;
    }
}
