using System.Data.Common;
using Bulwark.Consistency.Contracts.Idempotency;
using Bulwark.Idempotency;

namespace Bulwark.Postgres.Tests.Idempotency;

public sealed class PostgresSequenceGuardTests : SequenceGuardContract
{
    private readonly PostgresTestDatabase _database = new();

    public override async ValueTask InitializeAsync() => await _database.CreateAsync();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
    }

    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _database.DataSource.OpenConnectionAsync(cancellationToken);

    protected override async Task<ISequenceGuard> CreateGuardAsync(CancellationToken cancellationToken)
    {
        var guard = new SqlSequenceGuard(PostgresDatabase.Create(_database.DataSource), TimeProvider.System);
        await guard.MigrateAsync(cancellationToken);
        return guard;
    }
}
