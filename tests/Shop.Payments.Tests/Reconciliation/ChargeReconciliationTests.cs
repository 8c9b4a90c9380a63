using System.Net;
using System.Net.Http.Json;
using Bulwark.EventSourcing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Shop.Infrastructure.Data;
using Shop.Payments.Contracts;
using Shop.Payments.Provider;
using Shop.Payments.Reconciliation;

namespace Shop.Payments.Tests.Reconciliation;

/// <summary>
/// The reconciler's timing on a <see cref="FakeTimeProvider"/>: backoff, parking and the settle delay, against a
/// provider double behind the real HTTP client (the shop tests cover the real stand-in over loopback).
/// </summary>
public sealed class ChargeReconciliationTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly FakeProvider _provider = new();
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "bulwark-payments-" + Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _services;
    private SqlEventStore? _events;

    public ChargeReconciliationTests()
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddSingleton<IPaymentGateway>(new PaymentProviderClient(new HttpClient(_provider) { BaseAddress = new Uri("http://provider.test/") }, _time));
        _services = services.BuildServiceProvider();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunDue_ProviderDown_BacksOffExponentiallyThenParksAndKeepsIt()
    {
        var (reconciliation, store, metrics) = await CreateAsync(new ReconciliationOptions { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(4), MaxAttempts = 5, SettleDelay = TimeSpan.Zero });
        _provider.Down = true;

        var reversal = await reconciliation.ReverseAsync(new ReversePaymentCommand("order-1", "1", null, Start), Ct);
        Assert.Equal(ReversalOutcome.Deferred, reversal.Outcome);
        Assert.Equal(1, metrics.Unreconciled);

        // Due after BaseDelay, then 1 s, 2 s, 4 s, 4 s (capped): nothing happens a tick early.
        var waits = new[] { 1, 1, 2, 4 };
        for (var i = 0; i < waits.Length; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(waits[i]) - TimeSpan.FromMilliseconds(1));
            var calls = _provider.Calls;
            await reconciliation.RunDueAsync(Ct);
            Assert.Equal(calls, _provider.Calls);

            _time.Advance(TimeSpan.FromMilliseconds(1));
            await reconciliation.RunDueAsync(Ct);
            Assert.True(_provider.Calls > calls, $"attempt {i + 1} not made on time");
            Assert.Equal(i + 1, (await store.FindAsync("order-1", Ct))!.Attempts);
        }

        _time.Advance(TimeSpan.FromSeconds(4));
        await reconciliation.RunDueAsync(Ct);
        var parked = (await store.FindAsync("order-1", Ct))!;
        Assert.Equal((ReconciliationStatus.Parked, 5), (parked.Status, parked.Attempts));

        // Parked: no more automatic attempts, still counted and listed, never dropped.
        var before = _provider.Calls;
        _time.Advance(TimeSpan.FromDays(1));
        await reconciliation.RunDueAsync(Ct);
        Assert.Equal(before, _provider.Calls);
        Assert.Equal(1, metrics.Unreconciled);
        Assert.Single(await store.ListAsync(ReconciliationStatus.Parked, 100, 0, Ct));

        // A person retries once the provider is back: the charge it had taken is refunded.
        _provider.Down = false;
        _provider.Charges["order-1"] = new FakeCharge("ch_1", "succeeded");
        Assert.True(await store.ReopenAsync("order-1", _time.GetUtcNow(), Ct));
        Assert.Equal(1, await reconciliation.RunDueAsync(Ct));
        Assert.Equal(ReconciliationStatus.Refunded, (await store.FindAsync("order-1", Ct))!.Status);
        Assert.Equal("refunded", _provider.Charges["order-1"].Status);
        Assert.Equal(0, metrics.Unreconciled);
        Assert.Equal(1, await RefundsRecordedAsync("ch_1"));
    }

    [Fact]
    public async Task Reverse_NoChargeYet_TrustsItOnlyAfterTheSettleDelay()
    {
        var (reconciliation, store, _) = await CreateAsync(new ReconciliationOptions { BaseDelay = TimeSpan.FromSeconds(1), SettleDelay = TimeSpan.FromMinutes(1) });

        var reversal = await reconciliation.ReverseAsync(new ReversePaymentCommand("order-2", "2", null, Start), Ct);
        Assert.Equal(ReversalOutcome.Deferred, reversal.Outcome);

        // The charge request the shop gave up on lands late inside the provider: the reconciler must still find it.
        _time.Advance(TimeSpan.FromSeconds(30));
        _provider.Charges["order-2"] = new FakeCharge("ch_2", "succeeded");
        Assert.Equal(0, await reconciliation.RunDueAsync(Ct));
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await reconciliation.RunDueAsync(Ct));

        Assert.Equal(ReconciliationStatus.Refunded, (await store.FindAsync("order-2", Ct))!.Status);
        Assert.Equal("refunded", _provider.Charges["order-2"].Status);
        // Settled a minute after the saga gave up, and still in the ledger the payments data product is built from.
        Assert.Equal(1, await RefundsRecordedAsync("ch_2"));
    }

    [Fact]
    public async Task Reverse_NoChargeAfterTheSettleDelay_NothingCharged()
    {
        var (reconciliation, store, _) = await CreateAsync(new ReconciliationOptions { SettleDelay = TimeSpan.FromMinutes(1) });
        _time.Advance(TimeSpan.FromMinutes(2));

        var reversal = await reconciliation.ReverseAsync(new ReversePaymentCommand("order-3", "3", null, Start), Ct);

        Assert.Equal(ReversalOutcome.NothingCharged, reversal.Outcome);
        Assert.Null(await store.FindAsync("order-3", Ct));
    }

    [Fact]
    public async Task Reverse_RefundAnswerLost_ConfirmedByReadingTheLedger()
    {
        var (reconciliation, _, _) = await CreateAsync(new ReconciliationOptions());
        _provider.Charges["order-4"] = new FakeCharge("ch_4", "succeeded");
        _provider.LoseRefundAnswers = true;

        var reversal = await reconciliation.ReverseAsync(new ReversePaymentCommand("order-4", "4", null, Start), Ct);

        Assert.Equal((ReversalOutcome.Refunded, "ch_4"), (reversal.Outcome, reversal.ChargeId));
        Assert.Equal(1, _provider.Refunds);
        Assert.Equal(1, await RefundsRecordedAsync("ch_4"));
    }

    [Fact]
    public void Backoff_DoublesFromBaseAndCapsAtMax()
    {
        var options = new ReconciliationOptions { BaseDelay = TimeSpan.FromSeconds(5), MaxDelay = TimeSpan.FromMinutes(10) };

        Assert.Equal(
            [5, 10, 20, 40, 80, 160, 320, 600, 600],
            Enumerable.Range(1, 9).Select(n => ChargeReconciliation.Backoff(n, options).TotalSeconds));
        Assert.Equal(TimeSpan.FromMinutes(10), ChargeReconciliation.Backoff(10_000, options));
    }

    public void Dispose()
    {
        _services.Dispose();
        _events?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    private async Task<(ChargeReconciliation Reconciliation, ReconciliationStore Store, ReconciliationMetrics Metrics)> CreateAsync(ReconciliationOptions options)
    {
        var database = new ModuleDatabase<PaymentsModule>(new ShopDatabase(new ShopDataOptions { Path = _dataPath }), _time);
        await database.MigrateAsync(Ct);
        var store = new ReconciliationStore(database);
        var metrics = new ReconciliationMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        (var ledger, _events) = TestLedger.Create(_dataPath, _time);
        var reconciliation = new ChargeReconciliation(_services, store, ledger, metrics, _time, Options.Create(options), NullLogger<ChargeReconciliation>.Instance);
        return (reconciliation, store, metrics);
    }

    // The ledger's refunds: what the payments data product reads.
    private Task<int> RefundsRecordedAsync(string chargeId) => _events!.RefundsOfAsync(chargeId, Ct);

    private sealed record FakeCharge(string Id, string Status);

    /// <summary>The provider's lookup and refund, in memory; <see cref="Down"/> fails every call at the connection.</summary>
    private sealed class FakeProvider : HttpMessageHandler
    {
        private int _calls;
        private int _refunds;

        public System.Collections.Concurrent.ConcurrentDictionary<string, FakeCharge> Charges { get; } = new();

        public bool Down { get; set; }

        public bool LoseRefundAnswers { get; set; }

        public int Calls => Volatile.Read(ref _calls);

        public int Refunds => Volatile.Read(ref _refunds);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            if (Down)
            {
                throw new HttpRequestException("connection refused");
            }

            var path = request.RequestUri!.AbsolutePath;
            if (request.Method == HttpMethod.Get && path == "/charges")
            {
                var key = Uri.UnescapeDataString(request.RequestUri.Query["?idempotencyKey=".Length..]);
                FakeCharge[] found = Charges.TryGetValue(key, out var charge) ? [charge] : [];
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(found) });
            }

            if (request.Method == HttpMethod.Post && path.EndsWith("/refund", StringComparison.Ordinal))
            {
                var id = path.Split('/')[2];
                var (key, charge) = Charges.Single(c => c.Value.Id == id);
                Charges[key] = charge with { Status = "refunded" };
                Interlocked.Increment(ref _refunds);
                return LoseRefundAnswers
                    ? throw new HttpRequestException("the answer was lost")
                    : Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(Charges[key]) });
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
        }
    }
}
