using System.Collections.Concurrent;
using Bulwark.Sagas;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Consistency.Contracts.Sagas;

/// <summary>
/// What every saga store must support, exercised through the orchestrator: persisted progress that survives a
/// "crash", compensation in reverse order, parking, and optimistic concurrency.
/// </summary>
public abstract partial class SagaContract : IAsyncLifetime
{
    private static readonly SagaStepOptions FastRetry = new() { MaxAttempts = 3, BaseDelay = TimeSpan.Zero, Timeout = TimeSpan.FromSeconds(30) };

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public abstract ValueTask InitializeAsync();

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>Creates a migrated store over the shared database (a new instance = a restarted process).</summary>
    protected abstract Task<ISagaStore> CreateStoreAsync(CancellationToken cancellationToken);

    [Fact]
    public async Task Start_AllStepsSucceed_ConfirmedWithEachStepOnceInOrder()
    {
        var shop = new FakeShop();
        var saga = await CreateOrchestratorAsync(shop);

        var state = await saga.StartAsync(Guid.NewGuid(), new OrderData { OrderId = "o-1" }, Ct);

        Assert.Equal(SagaStatus.Confirmed, state.Status);
        Assert.Equal(["reserve", "charge", "ship"], shop.Log);
        Assert.Equal("pay-o-1", saga.ReadData(state).PaymentId);
    }

    [Fact]
    public async Task Start_StepThreeKeepsFailing_RetriedThenCompensatesTwoThenOneAndRejects()
    {
        var shop = new FakeShop { ShippingFailures = int.MaxValue };
        var saga = await CreateOrchestratorAsync(shop);

        var state = await saga.StartAsync(Guid.NewGuid(), new OrderData { OrderId = "o-1" }, Ct);

        Assert.Equal(SagaStatus.Rejected, state.Status);
        Assert.Equal(["reserve", "charge", "ship!", "ship!", "ship!", "refund pay-o-1", "release"], shop.Log);
        Assert.Contains("ship", state.Error, StringComparison.Ordinal);
        Assert.Empty(shop.Reserved);
        Assert.Empty(shop.Charged);
    }

    [Fact]
    public async Task Start_StepFailsOnceThenSucceeds_RetriedAndConfirmed()
    {
        var shop = new FakeShop { ShippingFailures = 1 };
        var saga = await CreateOrchestratorAsync(shop);

        var state = await saga.StartAsync(Guid.NewGuid(), new OrderData { OrderId = "o-1" }, Ct);

        Assert.Equal(SagaStatus.Confirmed, state.Status);
        Assert.Equal(["reserve", "charge", "ship!", "ship"], shop.Log);
    }

    [Fact]
    public async Task Start_CompensationKeepsFailing_ParkedAndListed()
    {
        var shop = new FakeShop { ShippingFailures = int.MaxValue, RefundFailures = int.MaxValue };
        var saga = await CreateOrchestratorAsync(shop);
        var id = Guid.NewGuid();

        var state = await saga.StartAsync(id, new OrderData { OrderId = "o-1" }, Ct);

        Assert.Equal(SagaStatus.Parked, state.Status);
        Assert.DoesNotContain("release", shop.Log);
        Assert.Contains("compensation of charge failed", state.Error, StringComparison.Ordinal);
        var parked = await (await CreateStoreAsync(Ct)).ListAsync(saga.SagaType, [SagaStatus.Parked], Ct);
        Assert.Contains(parked, s => s.SagaId == id);
    }

    [Fact]
    public async Task Run_KilledAfterStepTwo_ResumesAfterRestartAndConfirms()
    {
        var shop = new FakeShop { HangShipping = true };
        var first = await CreateOrchestratorAsync(shop);
        var id = Guid.NewGuid();
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var run = first.StartAsync(id, new OrderData { OrderId = "o-1" }, kill.Token);
        await shop.ShippingStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await kill.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var stored = await (await CreateStoreAsync(Ct)).GetAsync(id, Ct);
        Assert.Equal((SagaStatus.Pending, 2), (stored!.Status, stored.CompletedSteps));

        shop.HangShipping = false;
        var restarted = await CreateOrchestratorAsync(shop);
        var resumed = await restarted.ResumeAllAsync(Ct);

        Assert.Equal(SagaStatus.Confirmed, Assert.Single(resumed, s => s.SagaId == id).Status);
        Assert.Equal(1, shop.Log.Count(entry => entry == "reserve"));
        Assert.Equal(1, shop.Log.Count(entry => entry == "charge"));
        Assert.Equal("ship", shop.Log[^1]);
    }

    [Fact]
    public async Task Run_KilledAfterStepTwoThenShippingFails_ResumedSagaLeavesNoReservationOrCharge()
    {
        var shop = new FakeShop { HangShipping = true };
        var first = await CreateOrchestratorAsync(shop);
        var id = Guid.NewGuid();
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var run = first.StartAsync(id, new OrderData { OrderId = "o-2" }, kill.Token);
        await shop.ShippingStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await kill.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        shop.HangShipping = false;
        shop.ShippingFailures = int.MaxValue;
        var restarted = await CreateOrchestratorAsync(shop);
        var state = await restarted.RunAsync(id, Ct);

        Assert.Equal(SagaStatus.Rejected, state.Status);
        Assert.Empty(shop.Reserved);
        Assert.Empty(shop.Charged);
        Assert.Contains("refund pay-o-2", shop.Log);
    }

    [Fact]
    public async Task Step_AttemptOutlivesTimeout_CountsAsFailure()
    {
        var shop = new FakeShop { HangShipping = true };
        var saga = await CreateOrchestratorAsync(shop, new SagaStepOptions { MaxAttempts = 1, Timeout = TimeSpan.FromSeconds(5) });

        var run = saga.StartAsync(Guid.NewGuid(), new OrderData { OrderId = "o-1" }, Ct);
        await shop.ShippingStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Time.Advance(TimeSpan.FromSeconds(6));
        var state = await run.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(SagaStatus.Rejected, state.Status);
        Assert.Empty(shop.Charged);
    }

    [Fact]
    public async Task Step_FailsOnce_RetryWaitsForBackoffOnTheClock()
    {
        var shop = new FakeShop { ShippingFailures = 1 };
        var saga = await CreateOrchestratorAsync(shop, new SagaStepOptions { MaxAttempts = 2, BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(2) });

        var run = saga.StartAsync(Guid.NewGuid(), new OrderData { OrderId = "o-1" }, Ct);
        await shop.ShippingFailed.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await Task.Yield();
        Assert.False(run.IsCompleted);
        Assert.DoesNotContain("ship", shop.Log);

        // The backoff timer is registered on another thread after the failure; advance until it fires (bounded).
        for (var i = 0; i < 200 && !run.IsCompleted; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5, Ct);
        }

        var state = await run.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(SagaStatus.Confirmed, state.Status);
        Assert.Equal(["reserve", "charge", "ship!", "ship"], shop.Log);
    }

    [Fact]
    public async Task Step_AsksToRetryLater_NextAttemptWaitsThatLongNotTheBackoff()
    {
        var shop = new FakeShop { ShippingFailures = 1, ShippingRetryAfter = TimeSpan.FromSeconds(30) };
        var saga = await CreateOrchestratorAsync(shop, new SagaStepOptions { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMinutes(1) });

        var run = saga.StartAsync(Guid.NewGuid(), new OrderData { OrderId = "o-1" }, Ct);
        await shop.ShippingFailed.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        // The usual 10 ms backoff passes in the first second; the dependency asked for 30 s, so nothing runs before that.
        var advanced = TimeSpan.Zero;
        for (var i = 0; i < 29; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            advanced += TimeSpan.FromSeconds(1);
            await Task.Delay(5, Ct);
        }

        Assert.False(run.IsCompleted, "the step was retried before the dependency's Retry-After");
        for (var i = 0; i < 200 && !run.IsCompleted; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            advanced += TimeSpan.FromSeconds(1);
            await Task.Delay(5, Ct);
        }

        var state = await run.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(SagaStatus.Confirmed, state.Status);
        Assert.Equal(["reserve", "charge", "ship!", "ship"], shop.Log);
        Assert.True(advanced >= TimeSpan.FromSeconds(30), $"retried after {advanced}");
    }

    [Fact]
    public async Task Store_StaleVersionOrDuplicateStart_Refused()
    {
        var store = await CreateStoreAsync(Ct);
        var state = new SagaState
        {
            SagaId = Guid.NewGuid(),
            SagaType = "test",
            Status = SagaStatus.Pending,
            CompletedSteps = 0,
            Data = "{}",
            Version = 1,
            UpdatedAt = Time.GetUtcNow(),
        };

        Assert.True(await store.InsertAsync(state, Ct));
        Assert.False(await store.InsertAsync(state, Ct));
        Assert.True(await store.UpdateAsync(state with { CompletedSteps = 1, Version = 2 }, 1, Ct));
        Assert.False(await store.UpdateAsync(state with { CompletedSteps = 5, Version = 2 }, 1, Ct));
        Assert.Equal(1, (await store.GetAsync(state.SagaId, Ct))!.CompletedSteps);
    }

    [Fact]
    public async Task Sweeper_SaveFailedMidRun_ResumedByTheNextSweepAfterStaleAfterNotBefore()
    {
        var shop = new FakeShop();
        var store = new FailingSaves(await CreateStoreAsync(Ct)) { FailUpdate = 2 };
        var saga = CreateOrchestrator(shop, store);
        var sweeper = new SagaSweeper<OrderData>(saga, Options.Create(new SagaSweeperOptions { Interval = TimeSpan.FromSeconds(5), StaleAfter = TimeSpan.FromSeconds(30) }), Time, NullLogger<SagaSweeper<OrderData>>.Instance);
        var id = Guid.NewGuid();

        // The save after "charge" fails (as a busy database would after its retries): the run dies, the process lives.
        await Assert.ThrowsAsync<InvalidOperationException>(() => saga.StartAsync(id, new OrderData { OrderId = "o-1" }, Ct));
        Assert.Equal(SagaStatus.Pending, (await saga.GetAsync(id, Ct))!.Status);

        Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, await sweeper.SweepOnceAsync(Ct));
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await sweeper.SweepOnceAsync(Ct));

        var state = await saga.GetAsync(id, Ct);
        Assert.Equal(SagaStatus.Confirmed, state!.Status);
        // The charge whose save failed ran again: steps are idempotent by contract, the fake charges once per order.
        Assert.Equal(["reserve", "charge", "charge", "ship"], shop.Log);
    }

    [Fact]
    public async Task Sweeper_InstanceRunningInThisProcess_NotRunTwice()
    {
        var shop = new FakeShop();
        var saga = CreateOrchestrator(shop, await CreateStoreAsync(Ct), new SagaStepOptions { MaxAttempts = 1, Timeout = TimeSpan.FromMinutes(10) });
        var sweeper = new SagaSweeper<OrderData>(saga, Options.Create(new SagaSweeperOptions { StaleAfter = TimeSpan.FromSeconds(30) }), Time, NullLogger<SagaSweeper<OrderData>>.Instance);
        var id = Guid.NewGuid();
        shop.HoldShipping = new TaskCompletionSource();

        var run = saga.StartAsync(id, new OrderData { OrderId = "o-1" }, Ct);
        await shop.ShippingStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Time.Advance(TimeSpan.FromMinutes(1));

        Assert.True(saga.IsRunning(id));
        Assert.Equal(0, await sweeper.SweepOnceAsync(Ct));
        shop.HoldShipping.SetResult();
        Assert.Equal(SagaStatus.Confirmed, (await run).Status);
        Assert.Equal(["reserve", "charge", "ship"], shop.Log);
    }

    private async Task<SagaOrchestrator<OrderData>> CreateOrchestratorAsync(FakeShop shop, SagaStepOptions? shippingOptions = null)
    {
        var definition = new SagaDefinition<OrderData>($"order-fulfilment-{GetType().Name}")
            .Step("reserve", (d, _) => shop.ReserveAsync(d.OrderId), (d, _) => shop.ReleaseAsync(d.OrderId), FastRetry)
            .Step(
                "charge",
                async (d, _) => d.PaymentId = await shop.ChargeAsync(d.OrderId),
                (d, _) => shop.RefundAsync(d.PaymentId!),
                new SagaStepOptions { MaxAttempts = 2, BaseDelay = TimeSpan.Zero })
            .Step("ship", (d, c) => shop.ShipAsync(d.OrderId, c.CancellationToken), options: shippingOptions ?? FastRetry);
        return new SagaOrchestrator<OrderData>(definition, await CreateStoreAsync(Ct), Time, NullLogger<SagaOrchestrator<OrderData>>.Instance);
    }

    private SagaOrchestrator<OrderData> CreateOrchestrator(FakeShop shop, ISagaStore store, SagaStepOptions? shippingOptions = null)
    {
        var definition = new SagaDefinition<OrderData>($"order-fulfilment-{GetType().Name}")
            .Step("reserve", (d, _) => shop.ReserveAsync(d.OrderId), (d, _) => shop.ReleaseAsync(d.OrderId), FastRetry)
            .Step("charge", async (d, _) => d.PaymentId = await shop.ChargeAsync(d.OrderId), (d, _) => shop.RefundAsync(d.PaymentId!), FastRetry)
            .Step("ship", (d, c) => shop.ShipAsync(d.OrderId, c.CancellationToken), options: shippingOptions ?? FastRetry);
        return new SagaOrchestrator<OrderData>(definition, store, Time, NullLogger<SagaOrchestrator<OrderData>>.Instance);
    }

    /// <summary>A store whose n-th update fails once, the way a save fails when the database stays busy.</summary>
    private sealed class FailingSaves(ISagaStore inner) : ISagaStore
    {
        private int _updates;

        public int FailUpdate { get; init; }

        public Task<bool> InsertAsync(SagaState state, CancellationToken cancellationToken) => inner.InsertAsync(state, cancellationToken);

        public Task<bool> UpdateAsync(SagaState state, long expectedVersion, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _updates) == FailUpdate
                ? throw new InvalidOperationException("database is locked")
                : inner.UpdateAsync(state, expectedVersion, cancellationToken);

        public Task<SagaState?> GetAsync(Guid sagaId, CancellationToken cancellationToken) => inner.GetAsync(sagaId, cancellationToken);

        public Task<IReadOnlyList<SagaState>> ListAsync(string sagaType, IReadOnlyCollection<SagaStatus> statuses, CancellationToken cancellationToken) =>
            inner.ListAsync(sagaType, statuses, cancellationToken);
    }

    public sealed class OrderData
    {
        public required string OrderId { get; init; }

        public string? PaymentId { get; set; }
    }

    /// <summary>Stock, payments and shipping stand-ins that record every call.</summary>
    private sealed class FakeShop
    {
        private readonly ConcurrentQueue<string> _log = new();

        public ConcurrentDictionary<string, bool> Reserved { get; } = new();

        public ConcurrentDictionary<string, bool> Charged { get; } = new();

        public int ShippingFailures { get; set; }

        /// <summary>When set, a shipping failure says when to come back (<see cref="SagaStepRetryLaterException"/>).</summary>
        public TimeSpan? ShippingRetryAfter { get; set; }

        public int RefundFailures { get; set; }

        public bool HangShipping { get; set; }

        /// <summary>When set, shipping waits for it (a step in progress).</summary>
        public TaskCompletionSource? HoldShipping { get; set; }

        public TaskCompletionSource ShippingStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ShippingFailed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<string> Log => [.. _log];

        public Task ReserveAsync(string orderId)
        {
            _log.Enqueue("reserve");
            Reserved[orderId] = true;
            return Task.CompletedTask;
        }

        public Task ReleaseAsync(string orderId)
        {
            _log.Enqueue("release");
            Reserved.TryRemove(orderId, out _);
            return Task.CompletedTask;
        }

        public Task<string> ChargeAsync(string orderId)
        {
            _log.Enqueue("charge");
            Charged[$"pay-{orderId}"] = true;
            return Task.FromResult($"pay-{orderId}");
        }

        public Task RefundAsync(string paymentId)
        {
            if (RefundFailures-- > 0)
            {
                _log.Enqueue("refund!");
                throw new HttpRequestException("payment provider down");
            }

            _log.Enqueue($"refund {paymentId}");
            Charged.TryRemove(paymentId, out _);
            return Task.CompletedTask;
        }

        public async Task ShipAsync(string orderId, CancellationToken cancellationToken)
        {
            if (HoldShipping is { } hold)
            {
                ShippingStarted.TrySetResult();
                await hold.Task.WaitAsync(cancellationToken);
            }

            if (HangShipping)
            {
                ShippingStarted.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            if (ShippingFailures-- > 0)
            {
                _log.Enqueue("ship!");
                ShippingFailed.TrySetResult();
                throw ShippingRetryAfter is { } wait
                    ? new SagaStepRetryLaterException(wait, $"the courier desk for {orderId} reopens later")
                    : new InvalidOperationException($"no courier for {orderId}");
            }

            _log.Enqueue("ship");
        }
    }
}
