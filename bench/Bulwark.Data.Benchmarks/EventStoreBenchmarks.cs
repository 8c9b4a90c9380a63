using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Bulwark.EventSourcing;
using Bulwark.Postgres;
using Bulwark.Sqlite;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Options;
using IEventStore = Bulwark.EventSourcing.IEventStore;

namespace Bulwark.Data.Benchmarks;

/// <summary>
/// Event store, side by side in one run: single-event appends with the expected-version check, and loading a
/// 50,000-event stream with and without snapshots, on Bulwark (PostgreSQL, SQLite) and Marten (same PostgreSQL).
/// Each category's baseline is Bulwark on PostgreSQL, so the Ratio column is "this ÷ Bulwark PostgreSQL" in time.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public partial class EventStoreBenchmarks
{
    private const string Append = "Append one event";
    private const string LoadSnapshot = "Load 50k with snapshots";
    private const string LoadReplay = "Load 50k replaying all";
    private const int LongStream = 50_000;
    private IEventStoreCandidate _candidate = null!;

    [GlobalSetup(Targets = [nameof(Append_BulwarkPostgres), nameof(LoadSnapshot_BulwarkPostgres), nameof(LoadReplay_BulwarkPostgres)])]
    public async Task SetupBulwarkPostgresAsync() => _candidate = await BulwarkCandidate.CreateAsync("postgres");

    [GlobalSetup(Targets = [nameof(Append_BulwarkSqlite), nameof(LoadSnapshot_BulwarkSqlite), nameof(LoadReplay_BulwarkSqlite)])]
    public async Task SetupBulwarkSqliteAsync() => _candidate = await BulwarkCandidate.CreateAsync("sqlite");

    [GlobalSetup(Targets = [nameof(Append_Marten), nameof(LoadSnapshot_Marten), nameof(LoadReplay_Marten)])]
    public async Task SetupMartenAsync() => _candidate = await MartenCandidate.CreateAsync();

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_candidate is not null)
        {
            await _candidate.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Append)]
    public Task Append_BulwarkPostgres() => _candidate.AppendOneAsync();

    [Benchmark, BenchmarkCategory(Append)]
    public Task Append_Marten() => _candidate.AppendOneAsync();

    [Benchmark, BenchmarkCategory(Append)]
    public Task Append_BulwarkSqlite() => _candidate.AppendOneAsync();

    [Benchmark(Baseline = true), BenchmarkCategory(LoadSnapshot)]
    public Task<long> LoadSnapshot_BulwarkPostgres() => _candidate.LoadWithSnapshotsAsync();

    [Benchmark, BenchmarkCategory(LoadSnapshot)]
    public Task<long> LoadSnapshot_Marten() => _candidate.LoadWithSnapshotsAsync();

    [Benchmark, BenchmarkCategory(LoadSnapshot)]
    public Task<long> LoadSnapshot_BulwarkSqlite() => _candidate.LoadWithSnapshotsAsync();

    [Benchmark(Baseline = true), BenchmarkCategory(LoadReplay)]
    public Task<long> LoadReplay_BulwarkPostgres() => _candidate.LoadWithoutSnapshotsAsync();

    [Benchmark, BenchmarkCategory(LoadReplay)]
    public Task<long> LoadReplay_Marten() => _candidate.LoadWithoutSnapshotsAsync();

    [Benchmark, BenchmarkCategory(LoadReplay)]
    public Task<long> LoadReplay_BulwarkSqlite() => _candidate.LoadWithoutSnapshotsAsync();

    private interface IEventStoreCandidate : IAsyncDisposable
    {
        Task AppendOneAsync();

        Task<long> LoadWithSnapshotsAsync();

        Task<long> LoadWithoutSnapshotsAsync();
    }

    /// <summary>Bulwark: a snapshot every 1,000 events; loading reads the latest snapshot, then the events after it.</summary>
    private sealed class BulwarkCandidate : IEventStoreCandidate
    {
        private readonly BenchDatabase _database;
        private readonly IEventStore _store;
        private readonly AggregateRepository<Account> _repository;
        private readonly EventSerializer _serializer;
        private readonly string _appendStream = $"append-{Guid.NewGuid():N}";
        private long _appendVersion;

        private BulwarkCandidate(BenchDatabase database, IEventStore store, ISnapshotStore snapshots)
        {
            _database = database;
            _store = store;
            _serializer = new EventSerializer(new EventTypeRegistry().Register<Deposited>("Deposited"));
            _repository = new AggregateRepository<Account>(store, _serializer, snapshots, Options.Create(new AggregateRepositoryOptions { SnapshotEvery = 1_000 }));
        }

        public static Task<IEventStoreCandidate> CreateAsync(string provider)
        {
            return BenchDatabase.BuildAsync<IEventStoreCandidate>(provider, async database =>
            {
                var store = new SqlEventStore(
                    database.Postgres is { } postgres ? PostgresDatabase.Create(postgres) : SqliteDataSource.CreateDatabase(database.SqliteConnectionString),
                    TimeProvider.System);
                await store.MigrateAsync();
                var candidate = new BulwarkCandidate(database, store, store);

                // 50,000 deposits saved 1,000 at a time, so the repository takes a snapshot every 1,000 events.
                var account = candidate._repository.Create("long");
                for (var i = 0; i < LongStream; i++)
                {
                    account.Deposit(1);
                    if (account.PendingEvents.Count == 1_000)
                    {
                        await candidate._repository.SaveAsync(account, CancellationToken.None);
                    }
                }

                return candidate;
            });
        }

        public async Task AppendOneAsync()
        {
            var data = await _serializer.SerializeAsync(new Deposited(1), CancellationToken.None);
            _appendVersion = (await _store.AppendAsync(_appendStream, _appendVersion, [data], CancellationToken.None)).NextExpectedVersion;
        }

        public async Task<long> LoadWithSnapshotsAsync() => (await _repository.LoadAsync("long", CancellationToken.None))!.Balance;

        public async Task<long> LoadWithoutSnapshotsAsync() => (await _repository.LoadWithoutSnapshotAsync("long", CancellationToken.None))!.Balance;

        public async ValueTask DisposeAsync()
        {
            (_store as IDisposable)?.Dispose();
            await _database.DisposeAsync();
        }
    }

    /// <summary>Marten: its snapshot is the aggregate kept as a document, updated inline with every append.</summary>
    private sealed class MartenCandidate(BenchDatabase database, DocumentStore store) : IEventStoreCandidate
    {
        private readonly string _appendStream = $"append-{Guid.NewGuid():N}";
        private long _appendVersion;

        public static Task<IEventStoreCandidate> CreateAsync()
        {
            return BenchDatabase.BuildAsync<IEventStoreCandidate>("postgres", async database =>
            {
                var store = DocumentStore.For(options =>
                {
                    options.Connection(database.PostgresConnectionString);
                    options.AutoCreateSchemaObjects = AutoCreate.All;
                    options.Events.StreamIdentity = StreamIdentity.AsString;
                    options.Projections.Snapshot<MartenAccount>(SnapshotLifecycle.Inline);
                });

                for (var batch = 0; batch < LongStream / 1_000; batch++)
                {
                    await using var session = store.LightweightSession();
                    session.Events.Append("long", Enumerable.Range(0, 1_000).Select(_ => (object)new MartenDeposited(1)).ToArray());
                    await session.SaveChangesAsync();
                }

                return new MartenCandidate(database, store);
            });
        }

        /// <summary>Marten's expected version is the version after the append.</summary>
        public async Task AppendOneAsync()
        {
            await using var session = store.LightweightSession();
            session.Events.Append(_appendStream, ++_appendVersion, new MartenDeposited(1));
            await session.SaveChangesAsync();
        }

        public async Task<long> LoadWithSnapshotsAsync()
        {
            await using var session = store.QuerySession();
            return (await session.LoadAsync<MartenAccount>("long"))!.Balance;
        }

        public async Task<long> LoadWithoutSnapshotsAsync()
        {
            await using var session = store.QuerySession();
            return (await session.Events.AggregateStreamAsync<MartenAccount>("long"))!.Balance;
        }

        public async ValueTask DisposeAsync()
        {
            await store.DisposeAsync();
            await database.DisposeAsync();
        }
    }

    public sealed record Deposited(long Amount);

    public sealed record AccountSnapshot(long Balance);

    public sealed class Account : AggregateRoot<AccountSnapshot>
    {
        public long Balance { get; private set; }

        public void Deposit(long amount) => Raise(new Deposited(amount));

        protected override void Apply(object domainEvent) => Balance += ((Deposited)domainEvent).Amount;

        protected override AccountSnapshot ToSnapshot() => new(Balance);

        protected override void FromSnapshot(AccountSnapshot snapshot) => Balance = snapshot.Balance;
    }

    public sealed record MartenDeposited(long Amount);

    public sealed class MartenAccount
    {
        public string Id { get; set; } = "";

        public long Balance { get; set; }

        public void Apply(MartenDeposited deposited) => Balance += deposited.Amount;
    }
}
