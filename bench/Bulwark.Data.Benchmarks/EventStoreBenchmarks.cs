using BenchmarkDotNet.Attributes;
using Bulwark.EventSourcing;
using Bulwark.Postgres.EventSourcing;
using Bulwark.Sqlite.EventSourcing;
using Microsoft.Extensions.Options;

namespace Bulwark.Data.Benchmarks;

/// <summary>Event store: single-event appends, and loading a 50,000-event stream with and without snapshots.</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class EventStoreBenchmarks
{
    private const int LongStream = 50_000;
    private BenchDatabase _database = null!;
    private IEventStore _store = null!;
    private AggregateRepository<Account> _repository = null!;
    private EventSerializer _serializer = null!;
    private string _appendStream = "";
    private long _appendVersion;

    [Params("sqlite", "postgres")]
    public string Provider { get; set; } = "sqlite";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _database = await BenchDatabase.CreateAsync(Provider);
        ISnapshotStore snapshots;
        if (_database.Postgres is { } postgres)
        {
            var store = new PostgresEventStore(postgres, TimeProvider.System);
            await store.MigrateAsync();
            (_store, snapshots) = (store, store);
        }
        else
        {
            var store = new SqliteEventStore(_database.SqliteConnectionString, TimeProvider.System);
            await store.MigrateAsync();
            (_store, snapshots) = (store, store);
        }

        _serializer = new EventSerializer(new EventTypeRegistry().Register<Deposited>("Deposited"));
        _repository = new AggregateRepository<Account>(_store, _serializer, snapshots, Options.Create(new AggregateRepositoryOptions { SnapshotEvery = 1_000 }));

        // 50,000 deposits, saved 1,000 at a time so the repository takes a snapshot every 1,000 events.
        var account = _repository.Create("long");
        for (var i = 0; i < LongStream; i++)
        {
            account.Deposit(1);
            if (account.PendingEvents.Count == 1_000)
            {
                await _repository.SaveAsync(account, CancellationToken.None);
            }
        }

        _appendStream = $"append-{Guid.NewGuid():N}";
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _database.DisposeAsync();

    /// <summary>Appends one event to a stream with the expected-version check.</summary>
    [Benchmark]
    public async Task AppendOne()
    {
        var data = await _serializer.SerializeAsync(new Deposited(1), CancellationToken.None);
        _appendVersion = (await _store.AppendAsync(_appendStream, _appendVersion, [data], CancellationToken.None)).NextExpectedVersion;
    }

    /// <summary>Loads the 50,000-event aggregate from its latest snapshot.</summary>
    [Benchmark]
    public async Task<long> Load50kWithSnapshots() => (await _repository.LoadAsync("long", CancellationToken.None))!.Balance;

    /// <summary>Loads the 50,000-event aggregate by replaying every event.</summary>
    [Benchmark]
    public async Task<long> Load50kWithoutSnapshots() => (await _repository.LoadWithoutSnapshotAsync("long", CancellationToken.None))!.Balance;

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
}
