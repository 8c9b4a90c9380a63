using Bulwark.Consistency.Contracts.EventSourcing;
using Bulwark.EventSourcing;
using Bulwark.Sqlite.EventSourcing;

namespace Bulwark.Sqlite.Tests.EventSourcing;

public sealed class SqliteEventStoreTests : EventStoreContract<SqliteEventStore>
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

    protected override async Task<SqliteEventStore> CreateStoreAsync(CancellationToken cancellationToken)
    {
        var store = new SqliteEventStore(_events.ConnectionString, Time);
        await store.MigrateAsync(cancellationToken);
        return store;
    }

    protected override async Task<ISubjectKeyStore> CreateKeyStoreAsync(CancellationToken cancellationToken)
    {
        var keys = new SqliteSubjectKeyStore(_keys.ConnectionString, Time);
        await keys.MigrateAsync(cancellationToken);
        return keys;
    }
}
