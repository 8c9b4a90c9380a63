using System.Data.Common;
using Bulwark.Outbox;
using Bulwark.Testing;
using Microsoft.Extensions.Time.Testing;
using Shop.Identity.Adapters;
using Shop.Identity.Contracts;
using Shop.Identity.Users;
using Shop.Infrastructure.Data;

namespace Shop.Identity.Tests;

/// <summary>
/// Codex 16 in the sign-up: the user row and <c>UserRegistered</c> commit or vanish together, on every database the
/// shop runs on (the Database Swap question, docs/patterns.md row 10).
/// </summary>
public abstract class SqlUserStoreContract : IAsyncLifetime
{
    private ShopDatabase? _shop;

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
        var failing = new SqlUserStore(database, new FailingOutbox());
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
        Assert.NotNull(await store.FindCredentialsAsync(EmailAddress.Parse("ken@example.com"), Ct));
    }

    /// <inheritdoc />
    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <inheritdoc />
    public virtual async ValueTask DisposeAsync()
    {
        if (_shop is not null)
        {
            await _shop.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A fresh, empty shop database of the adapter under test.</summary>
    protected abstract Task<ShopDataOptions> NewDatabaseAsync();

    private async Task<(SqlUserStore Store, SqlOutboxStore Outbox, ModuleDatabase<IdentityModule> Database)> NewStoreAsync()
    {
        _shop = new ShopDatabase(await NewDatabaseAsync());
        var database = new ModuleDatabase<IdentityModule>(_shop, TimeProvider.System);
        await database.MigrateAsync(Ct);
        var outbox = new SqlOutboxStore(_shop.Sql, TimeProvider.System);
        await outbox.MigrateAsync(Ct);
        return (new SqlUserStore(database, outbox), outbox, database);
    }

    private sealed class FailingOutbox : IOutbox
    {
        public Task<OutboxMessage> EnqueueAsync(DbConnection connection, DbTransaction transaction, string topic, string partitionKey, ReadOnlyMemory<byte> payload, OutboxEnqueueOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("outbox unavailable");
    }
}

/// <summary>The contract on the embedded SQLite file.</summary>
public sealed class SqliteUserStoreTests : SqlUserStoreContract
{
    /// <inheritdoc />
    protected override Task<ShopDataOptions> NewDatabaseAsync() =>
        Task.FromResult(new ShopDataOptions { Path = Path.Combine(Path.GetTempPath(), "bulwark-identity-" + Guid.NewGuid().ToString("N")) });
}

/// <summary>The contract on a real PostgreSQL server: the Identity module's PostgreSQL adapter.</summary>
public sealed class PostgresUserStoreTests : SqlUserStoreContract
{
    private readonly string _name = $"shop_identity_{Guid.NewGuid():N}";
    private bool _created;

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_created)
        {
            await PostgresScratch.DropAsync(_name);
        }
    }

    /// <inheritdoc />
    protected override async Task<ShopDataOptions> NewDatabaseAsync()
    {
        var connectionString = await PostgresScratch.CreateAsync(_name);
        _created = true;
        return new ShopDataOptions { Provider = ShopDataProvider.Postgres, ConnectionString = connectionString };
    }
}
