using System.Data.Common;
using Bulwark.Consistency.Contracts.EventSourcing;
using Bulwark.EventSourcing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Postgres.Tests.EventSourcing.Issues;

/// <summary>
/// Issue 11: loading an aggregate from its snapshot took two round trips (snapshot, then the events after it) and
/// was 3× slower than Marten's one-document read. It is now one statement on one connection.
/// </summary>
public sealed class Issue11SnapshotLoadTests : IAsyncLifetime
{
    private readonly PostgresTestDatabase _database = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await _database.CreateAsync();

    public async ValueTask DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task LoadAsync_StreamWithSnapshotAndTail_OneConnectionAndSameStateAsReplay()
    {
        var connections = new CountingDataSource(_database.DataSource);
        using var store = new SqlEventStore(new(connections, PostgresDialect.Instance), _time);
        await store.MigrateAsync(Ct);
        var repository = new AggregateRepository<TestWallet>(
            store,
            new EventSerializer(TestWallet.Registry()),
            store,
            Options.Create(new AggregateRepositoryOptions { SnapshotEvery = 10 }));
        var wallet = repository.Create($"w-{Guid.NewGuid():N}");
        for (var i = 0; i < 25; i++)
        {
            wallet.Deposit(100);
            await repository.SaveAsync(wallet, Ct);
        }

        var before = connections.Opened;
        var loaded = await repository.LoadAsync(wallet.Id, Ct);
        var opened = connections.Opened - before;

        Assert.Equal(1, opened);
        Assert.Equal(25, loaded!.Version);
        Assert.Equal((await repository.LoadWithoutSnapshotAsync(wallet.Id, Ct))!.BalanceCents, loaded.BalanceCents);
        Assert.Equal(15, (await repository.LoadAsOfVersionAsync(wallet.Id, 15, Ct))!.Version);
    }

    /// <summary>Counts the connections the store opens; each of its statements runs on a connection of its own.</summary>
    private sealed class CountingDataSource(DbDataSource inner) : DbDataSource
    {
        private int _opened;

        public int Opened => Volatile.Read(ref _opened);

        public override string ConnectionString => inner.ConnectionString;

        protected override DbConnection CreateDbConnection()
        {
            Interlocked.Increment(ref _opened);
            return inner.CreateConnection();
        }
    }
}
