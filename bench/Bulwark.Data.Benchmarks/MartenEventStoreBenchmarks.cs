using BenchmarkDotNet.Attributes;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;

namespace Bulwark.Data.Benchmarks;

/// <summary>The same event-store scenarios on Marten (PostgreSQL only), for the side-by-side ratio.</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class MartenEventStoreBenchmarks
{
    private const int LongStream = 50_000;
    private BenchDatabase _database = null!;
    private DocumentStore _store = null!;
    private string _appendStream = "";
    private long _appendVersion;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _database = await BenchDatabase.CreateAsync("postgres");
        _store = DocumentStore.For(options =>
        {
            options.Connection(_database.PostgresConnectionString);
            options.AutoCreateSchemaObjects = AutoCreate.All;
            options.Events.StreamIdentity = StreamIdentity.AsString;

            // Marten's snapshot: the aggregate kept as a document, updated inline with every append.
            options.Projections.Snapshot<MartenAccount>(SnapshotLifecycle.Inline);
        });

        for (var batch = 0; batch < LongStream / 1_000; batch++)
        {
            await using var session = _store.LightweightSession();
            session.Events.Append("long", Enumerable.Range(0, 1_000).Select(_ => (object)new MartenDeposited(1)).ToArray());
            await session.SaveChangesAsync();
        }

        _appendStream = $"append-{Guid.NewGuid():N}";
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _store.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>Appends one event with an expected-version check (Marten's expected version is the version after the append).</summary>
    [Benchmark]
    public async Task AppendOne()
    {
        await using var session = _store.LightweightSession();
        session.Events.Append(_appendStream, ++_appendVersion, new MartenDeposited(1));
        await session.SaveChangesAsync();
    }

    /// <summary>Loads the inline snapshot document of the 50,000-event stream.</summary>
    [Benchmark]
    public async Task<long> Load50kWithSnapshots()
    {
        await using var session = _store.QuerySession();
        return (await session.LoadAsync<MartenAccount>("long"))!.Balance;
    }

    /// <summary>Aggregates the 50,000 events live.</summary>
    [Benchmark]
    public async Task<long> Load50kWithoutSnapshots()
    {
        await using var session = _store.QuerySession();
        return (await session.Events.AggregateStreamAsync<MartenAccount>("long"))!.Balance;
    }

    public sealed record MartenDeposited(long Amount);

    public sealed class MartenAccount
    {
        public string Id { get; set; } = "";

        public long Balance { get; set; }

        public void Apply(MartenDeposited deposited) => Balance += deposited.Amount;
    }
}
