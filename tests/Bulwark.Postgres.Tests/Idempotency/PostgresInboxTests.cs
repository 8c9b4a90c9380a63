using System.Data.Common;
using Bulwark.Consistency.Contracts.Idempotency;
using Bulwark.Idempotency;

namespace Bulwark.Postgres.Tests.Idempotency;

public sealed class PostgresInboxTests : InboxContract
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

    protected override async Task<IInbox> CreateInboxAsync(CancellationToken cancellationToken)
    {
        var inbox = new SqlInbox(PostgresDatabase.Create(_database.DataSource), TimeProvider.System);
        await inbox.MigrateAsync(cancellationToken);
        return inbox;
    }
}
