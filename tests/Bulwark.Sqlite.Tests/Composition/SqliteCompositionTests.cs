using System.Diagnostics.Metrics;
using System.Text;
using Bulwark.Consistency.Contracts.EventSourcing;
using Bulwark.EventSourcing;
using Bulwark.Outbox;
using Bulwark.Sagas;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bulwark.Sqlite.Tests.Composition;

/// <summary>The embedded default wired through DI and a real host, as the shop composes it.</summary>
public sealed class SqliteCompositionTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Host_OutboxWithHostedRelay_CommittedEventReachesSubscriber()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<Recorder>();
        builder.Services.AddSingleton<IOutboxSubscriber>(sp => sp.GetRequiredService<Recorder>());
        builder.Services.AddBulwarkOutbox(o => o.PollInterval = TimeSpan.FromMilliseconds(10)).UseSqlite(_database.ConnectionString);
        using var host = builder.Build();
        await host.StartAsync(Ct);

        var outbox = host.Services.GetRequiredService<IOutbox>();
        await using (var connection = await _database.OpenAsync(Ct))
        await using (var transaction = await connection.BeginTransactionAsync(Ct))
        {
            await outbox.EnqueueJsonAsync(connection, transaction, "users", "u-1", new { userId = "u-1" }, cancellationToken: Ct);
            await transaction.CommitAsync(Ct);
        }

        var message = await host.Services.GetRequiredService<Recorder>().Received.Task.WaitAsync(TimeSpan.FromSeconds(15), Ct);
        Assert.Equal("users", message.Topic);
        Assert.Contains("u-1", Encoding.UTF8.GetString(message.Payload.Span), StringComparison.Ordinal);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task Host_UnfinishedSagaInStore_ResumedAtStart()
    {
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var definition = new SagaDefinition<Order>("composition-order")
            .Step("reserve", (_, _) => throw new InvalidOperationException("already done before the crash"))
            .Step("ship", (_, _) =>
            {
                finished.TrySetResult();
                return Task.CompletedTask;
            });
        var store = new SqlSagaStore(SqliteDataSource.CreateDatabase(_database.ConnectionString), TimeProvider.System);
        await store.InsertAsync(
            new SagaState
            {
                SagaId = Guid.NewGuid(),
                SagaType = "composition-order",
                Status = SagaStatus.Pending,
                CompletedSteps = 1,
                Data = """{"id":"o-1"}""",
                Version = 1,
                UpdatedAt = TimeProvider.System.GetUtcNow(),
            },
            Ct);

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddBulwarkSagas().UseSqlite(_database.ConnectionString).AddSaga(definition);
        using var host = builder.Build();
        await host.StartAsync(Ct);

        await finished.Task.WaitAsync(TimeSpan.FromSeconds(15), Ct);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task Host_EventSourcingWithProjection_RepositoryAndRunnerResolveAndWork()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddBulwarkEventSourcing(TestWallet.RegisterEvents, o => o.SnapshotEvery = 5)
            .UseSqlite(_database.ConnectionString)
            .AddProjection<CountingProjection>(o => o.PollInterval = TimeSpan.FromMilliseconds(10));
        using var host = builder.Build();
        await host.StartAsync(Ct);

        var repository = host.Services.GetRequiredService<AggregateRepository<TestWallet>>();
        var wallet = repository.Create("w-1");
        wallet.Open("cust-1", "Ada", "ada@example.org");
        wallet.Deposit(100);
        var written = await repository.SaveAsync(wallet, Ct);
        var runner = host.Services.GetRequiredKeyedService<ProjectionRunner>(typeof(CountingProjection));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await runner.WaitForPositionAsync(written.LastPosition, deadline.Token);

        Assert.Equal(2, host.Services.GetRequiredService<CountingProjection>().Count);
        Assert.Equal(100, (await repository.LoadAsync("w-1", Ct))!.BalanceCents);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task Host_PoisonedProjection_LagGaugeCountsTheUnappliedEventsAndDropsToZeroAfterTheFix()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddBulwarkEventSourcing(TestWallet.RegisterEvents)
            .UseSqlite(_database.ConnectionString)
            .AddProjection<BreakableProjection>(o =>
            {
                o.PollInterval = TimeSpan.FromMilliseconds(10);
                o.FailureBackoff = TimeSpan.FromMilliseconds(10);
            });
        using var host = builder.Build();
        using var lag = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), "Bulwark.EventSourcing", "bulwark.projections.lag");
        var projection = host.Services.GetRequiredService<BreakableProjection>();
        projection.Broken = true;
        await host.StartAsync(Ct);

        var repository = host.Services.GetRequiredService<AggregateRepository<TestWallet>>();
        var wallet = repository.Create("w-lag");
        wallet.Open("cust-1", "Ada", "ada@example.org");
        wallet.Deposit(100);
        wallet.Deposit(50);
        await repository.SaveAsync(wallet, Ct);
        var head = await host.Services.GetRequiredService<IEventStore>().GetHeadPositionAsync(Ct);

        // The service still answers, but the read model is stuck: only the lag gauge tells (the projection-lag alert).
        Assert.Equal(head, await ObserveUntilAsync(lag, v => v == head));
        Assert.Equal(3, head);

        projection.Broken = false;
        Assert.Equal(0, await ObserveUntilAsync(lag, v => v == 0));
        Assert.Equal(3, projection.Applied);
        await host.StopAsync(Ct);
    }

    public void Dispose() => _database.Dispose();

    private static async Task<long> ObserveUntilAsync(MetricCollector<long> collector, Func<long, bool> done)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            collector.RecordObservableInstruments();
            var last = collector.LastMeasurement;
            if (last is not null && last.Tags["projection"] as string == "breakable" && done(last.Value))
            {
                return last.Value;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"Lag gauge never satisfied the condition; last seen {last?.Value}");
            await Task.Delay(20, Ct);
        }
    }

    private sealed record Order(string Id);

    private sealed class Recorder : IOutboxSubscriber
    {
        public TaskCompletionSource<OutboxMessage> Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task HandleAsync(OutboxMessage message, CancellationToken cancellationToken)
        {
            Received.TrySetResult(message);
            return Task.CompletedTask;
        }
    }

    private sealed class BreakableProjection : IProjection
    {
        private int _applied;

        public string Name => "breakable";

        public volatile bool Broken;

        public int Applied => Volatile.Read(ref _applied);

        public Task ApplyAsync(RecordedEvent recorded, object domainEvent, CancellationToken cancellationToken)
        {
            if (Broken)
            {
                throw new InvalidOperationException("poison: the read model cannot take this event");
            }

            Interlocked.Increment(ref _applied);
            return Task.CompletedTask;
        }

        public Task ResetAsync(CancellationToken cancellationToken)
        {
            _applied = 0;
            return Task.CompletedTask;
        }
    }

    private sealed class CountingProjection : IProjection
    {
        private int _count;

        public string Name => "counting";

        public int Count => Volatile.Read(ref _count);

        public Task ApplyAsync(RecordedEvent recorded, object domainEvent, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return Task.CompletedTask;
        }

        public Task ResetAsync(CancellationToken cancellationToken)
        {
            _count = 0;
            return Task.CompletedTask;
        }
    }
}
