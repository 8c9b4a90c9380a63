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

    [Fact]
    public async Task Forget_ErasesEmailNameAndPassword_AndAnnouncesItOnceInTheSameTransaction()
    {
        var (store, outbox, database) = await NewStoreAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 23, 0, 0, TimeSpan.Zero));
        var ada = User.Register("ada@example.com", "Ada", clock).User!;
        var bob = User.Register("bob@example.com", "Bob", clock).User!;
        Assert.True(await store.AddAsync(ada, "hash-a", Ct));
        Assert.True(await store.AddAsync(bob, "hash-b", Ct));
        await using (var registered = await outbox.ClaimAsync(10, Ct))
        {
            Assert.Equal(2, registered.Messages.Count);
            await registered.CompleteAsync([.. registered.Messages.Select(m => m.Position)], Ct);
        }

        // A failing outbox leaves the account as it was: all or nothing.
        await Assert.ThrowsAsync<InvalidOperationException>(() => new SqlUserStore(database, new FailingOutbox()).ForgetAsync(ada.Forget(), clock.GetUtcNow(), Ct));
        Assert.Equal("Ada", (await store.FindAsync(ada.Id, Ct))!.DisplayName);

        Assert.True(await store.ForgetAsync(ada.Forget(), clock.GetUtcNow(), Ct));
        Assert.False(await store.ForgetAsync(ada.Forget(), clock.GetUtcNow(), Ct));
        Assert.False(await store.ForgetAsync(User.Register("nobody@example.com", "Nobody", clock).User!.Forget(), clock.GetUtcNow(), Ct));

        var forgotten = (await store.FindAsync(ada.Id, Ct))!;
        Assert.True(forgotten.IsForgotten);
        Assert.Equal(User.ForgottenDisplayName, forgotten.DisplayName);
        Assert.Null(await store.FindCredentialsAsync(EmailAddress.Parse("ada@example.com"), Ct));
        Assert.Null((await store.FindCredentialsAsync(forgotten.Email, Ct))!.PasswordHash);
        Assert.Equal("Bob", (await store.FindAsync(bob.Id, Ct))!.DisplayName);
        Assert.Equal("hash-b", (await store.FindCredentialsAsync(bob.Email, Ct))!.PasswordHash);

        await using var claim = await outbox.ClaimAsync(10, Ct);
        var message = Assert.Single(claim.Messages);
        Assert.Equal(CustomerForgotten.Topic, message.Topic);
        Assert.Equal(new CustomerForgotten(ada.Id, clock.GetUtcNow()), message.ReadJson<CustomerForgotten>());
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
