using System.Data.Common;
using Bulwark.Consistency.Contracts.Idempotency;
using Bulwark.Idempotency;

namespace Bulwark.Sqlite.Tests.Idempotency;

public sealed class SqliteSequenceGuardTests : SequenceGuardContract
{
    private readonly SqliteTestDatabase _database = new();

    public override ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }

    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) => await _database.OpenAsync(cancellationToken);

    protected override async Task<ISequenceGuard> CreateGuardAsync(CancellationToken cancellationToken)
    {
        var guard = new SqlSequenceGuard(SqliteDataSource.CreateDatabase(_database.ConnectionString), TimeProvider.System);
        await guard.MigrateAsync(cancellationToken);
        return guard;
    }
}
