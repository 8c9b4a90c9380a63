using System.Data.Common;
using Bulwark.Outbox;
using Bulwark.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Shop.Identity.Adapters;
using Shop.Identity.Contracts;
using Shop.Identity.Users;
using Shop.Infrastructure.Sqlite;

namespace Shop.Identity.Tests;

/// <summary>Codex 16 in the sign-up: the user row and <c>UserRegistered</c> commit or vanish together.</summary>
public sealed class SqliteUserStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Add_Committed_WritesUserAndOutboxMessageInTheSameDatabase()
    {
        var (store, outbox, _) = await NewStoreAsync();
        var (user, _) = User.Register("ada@example.com", "Ada", new FakeTimeProvider());

        Assert.True(await store.AddAsync(user!, "hash", Ct));

        Assert.NotNull(await store.FindAsync(user!.Id, Ct));
        await using var claim = await outbox.ClaimAsync(10, Ct);
        var message = Assert.Single(claim.Messages);
        Assert.Equal(UserRegistered.Topic, message.Topic);
        Assert.Equal(user.Id, message.ReadJson<UserRegistered>()!.UserId);
        Assert.Equal(user.Id.ToString(), message.PartitionKey);
    }

    [Fact]
    public async Task Add_OutboxWriteFails_LeavesNoUserBehind()
    {
        var (_, outbox, database) = await NewStoreAsync();
        var failing = new SqliteUserStore(new IdentityDatabase(database), new FailingOutbox());
        var (user, _) = User.Register("grace@example.com", "Grace", new FakeTimeProvider());

        await Assert.ThrowsAsync<InvalidOperationException>(() => failing.AddAsync(user!, "hash", Ct));

        Assert.Null(await failing.FindAsync(user!.Id, Ct));
        Assert.Equal(0, (await outbox.GetBacklogAsync(Ct)).Pending);
    }

    [Fact]
    public async Task Add_DuplicateEmail_ReturnsFalseAndEnqueuesNothingMore()
    {
        var (store, outbox, _) = await NewStoreAsync();
        var clock = new FakeTimeProvider();

        Assert.True(await store.AddAsync(User.Register("ken@example.com", "Ken", clock).User!, "hash", Ct));
        Assert.False(await store.AddAsync(User.Register("KEN@example.com", "Ken 2", clock).User!, "hash", Ct));

        Assert.Equal(1, (await outbox.GetBacklogAsync(Ct)).Pending);
    }

    private static async Task<(SqliteUserStore Store, SqlOutboxStore Outbox, ModuleDatabase Database)> NewStoreAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), "bulwark-identity-" + Guid.NewGuid().ToString("N"));
        var database = new ModuleDatabase(IdentityModule.Name, path, IdentityMigrations.All, NullLogger.Instance, TimeProvider.System);
        await database.MigrateAsync(Ct);
        var outbox = new SqlOutboxStore(SqliteDataSource.CreateDatabase(database.ConnectionString), TimeProvider.System);
        await outbox.MigrateAsync(Ct);
        return (new SqliteUserStore(new IdentityDatabase(database), outbox), outbox, database);
    }

    private sealed class FailingOutbox : IOutbox
    {
        public Task<OutboxMessage> EnqueueAsync(DbConnection connection, DbTransaction transaction, string topic, string partitionKey, ReadOnlyMemory<byte> payload, OutboxEnqueueOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("outbox unavailable");
    }
}
