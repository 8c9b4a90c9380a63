using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Bulwark.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Sqlite.Tests.Outbox;

/// <summary>Several outbox stores relayed by one process (a shard's outbox each): each message once, metrics by store.</summary>
public sealed class OutboxStoreRelaysTests : IDisposable
{
    private readonly SqliteTestDatabase _first = new();
    private readonly SqliteTestDatabase _second = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunOnce_TwoStores_EachMessageRelayedOnceByItsStoresRelayAndCountedUnderItsName()
    {
        using var first = await StoreWithAsync(_first, "order-1", "order-2");
        using var second = await StoreWithAsync(_second, "order-3");
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var subscriber = new Collecting();
        using var relays = new OutboxStoreRelays(
            [new NamedOutboxStore("shard-0", first), new NamedOutboxStore("shard-1", second)],
            new InProcessOutboxTransport([subscriber]),
            Options.Create(new OutboxRelayOptions()),
            _time,
            NullLogger<OutboxRelay>.Instance,
            meters);
        using var published = new MetricCollector<long>(meters, "Bulwark.Outbox", "bulwark.outbox.published");

        // Twice each: the second pass finds every message already marked.
        foreach (var relay in relays.Relays.Concat(relays.Relays))
        {
            await relay.RunOnceAsync(Ct);
        }

        Assert.Equal(["order-1", "order-2", "order-3"], subscriber.Keys.Order());
        var byStore = published.GetMeasurementSnapshot().GroupBy(m => (string)m.Tags["store"]!).ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
        Assert.Equal(2, byStore["shard-0"]);
        Assert.Equal(1, byStore["shard-1"]);
    }

    [Theory]
    [InlineData("shard-0", "shard-0", "Two relayed outbox stores are named 'shard-0'")]
    [InlineData("shard-0", "", "has no name")]
    [InlineData("default", "shard-1", "the name of the application's own relay")]
    public async Task Create_BadStoreNames_RefusedNamingTheStore(string firstName, string secondName, string expected)
    {
        using var first = await StoreWithAsync(_first);
        using var second = await StoreWithAsync(_second);
        var refused = Assert.Throws<ArgumentException>(() => new OutboxStoreRelays(
            [new NamedOutboxStore(firstName, first), new NamedOutboxStore(secondName, second)],
            new InProcessOutboxTransport([]),
            Options.Create(new OutboxRelayOptions()),
            _time,
            NullLogger<OutboxRelay>.Instance));
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }

    private async Task<SqlOutboxStore> StoreWithAsync(SqliteTestDatabase database, params string[] keys)
    {
        var store = new SqlOutboxStore(SqliteDataSource.CreateDatabase(database.ConnectionString), _time);
        await store.MigrateAsync(Ct);
        await using var connection = await database.OpenAsync(Ct);
        await using var transaction = await connection.BeginTransactionAsync(Ct);
        foreach (var key in keys)
        {
            await store.EnqueueAsync(connection, transaction, "orders", key, new byte[] { 1 }, cancellationToken: Ct);
        }

        await transaction.CommitAsync(Ct);
        return store;
    }

    private sealed class Collecting : IOutboxSubscriber
    {
        public ConcurrentQueue<string> Keys { get; } = new();

        public Task HandleAsync(OutboxMessage message, CancellationToken cancellationToken)
        {
            Keys.Enqueue(message.PartitionKey);
            return Task.CompletedTask;
        }
    }
}
