using Bulwark.Consistency.Contracts.EventSourcing;
using Bulwark.EventSourcing;

namespace Bulwark.Sqlite.Tests.EventSourcing;

public sealed class SqliteEventStoreTests : EventStoreContract<SqlEventStore>
{
    private readonly SqliteTestDatabase _events = new();
    private readonly SqliteTestDatabase _keys = new();

    public override ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _events.Dispose();
        _keys.Dispose();
    }

    protected override async Task<SqlEventStore> CreateStoreAsync(CancellationToken cancellationToken)
    {
        var store = new SqlEventStore(SqliteDataSource.CreateDatabase(_events.ConnectionString), Time);
        await store.MigrateAsync(cancellationToken);
        return store;
    }

    protected override async Task<ISubjectKeyStore> CreateKeyStoreAsync(CancellationToken cancellationToken)
    {
        var keys = new SqlSubjectKeyStore(SqliteDataSource.CreateDatabase(_keys.ConnectionString), Time);
        await keys.MigrateAsync(cancellationToken);
        return keys;
    }
}
