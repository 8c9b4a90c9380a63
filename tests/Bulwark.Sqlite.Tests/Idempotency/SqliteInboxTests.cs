using System.Data.Common;
using Bulwark.Consistency.Contracts.Idempotency;
using Bulwark.Idempotency;

namespace Bulwark.Sqlite.Tests.Idempotency;

public sealed class SqliteInboxTests : InboxContract
{
    private readonly SqliteTestDatabase _database = new();

    public override ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }

    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) => await _database.OpenAsync(cancellationToken);

    protected override async Task<IInbox> CreateInboxAsync(CancellationToken cancellationToken)
    {
        var inbox = new SqlInbox(SqliteDataSource.CreateDatabase(_database.ConnectionString), TimeProvider.System);
        await inbox.MigrateAsync(cancellationToken);
        return inbox;
    }
}
