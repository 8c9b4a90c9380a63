using System.Diagnostics.Metrics;
using Bulwark.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Sqlite.Tests.Outbox;

public sealed class OutboxRelayMetricsTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunOnce_MessageWaitedThreeSeconds_RecordsLagAndPublishedCount()
    {
        using var store = new SqlOutboxStore(SqliteDataSource.CreateDatabase(_database.ConnectionString), _time);
        await store.MigrateAsync(Ct);
        await using (var connection = await _database.OpenAsync(Ct))
        await using (var transaction = await connection.BeginTransactionAsync(Ct))
        {
            await store.EnqueueAsync(connection, transaction, "orders", "o-1", new byte[] { 1 }, cancellationToken: Ct);
            await transaction.CommitAsync(Ct);
        }

        // A private meter factory: other test classes' relays publish on meters with the same name.
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var relay = new OutboxRelay(store, new InProcessOutboxTransport([]), Options.Create(new OutboxRelayOptions()), _time, NullLogger<OutboxRelay>.Instance, meters);
        using var lag = new MetricCollector<double>(meters, "Bulwark.Outbox", "bulwark.outbox.lag");
        using var published = new MetricCollector<long>(meters, "Bulwark.Outbox", "bulwark.outbox.published");
        _time.Advance(TimeSpan.FromSeconds(3));

        await relay.RunOnceAsync(Ct);

        Assert.Equal(3.0, Assert.Single(lag.GetMeasurementSnapshot()).Value);
        Assert.Equal(1, published.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    public void Dispose() => _database.Dispose();
}
