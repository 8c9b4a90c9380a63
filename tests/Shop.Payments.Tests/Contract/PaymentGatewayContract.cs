using System.Net.Http.Json;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Shop.Externals.Hosting;
using Shop.Infrastructure.Data;
using Shop.Payments.Contracts;
using Shop.Payments.Provider;
using Shop.Payments.Reconciliation;

namespace Shop.Payments.Tests.Contract;

/// <summary>
/// The payment vendor contract (Codex 08, the Vendor Lock-in test answered by running): what the saga and the
/// reconciler rely on from <see cref="IPaymentGateway"/>, checked once per adapter against that vendor's own stand-in
/// on Kestrel over loopback. A new vendor is a subclass; if it passes, no caller changes.
/// </summary>
public abstract class PaymentGatewayContract : IAsyncLifetime
{
    private WebApplication? _standIn;
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "bulwark-payments-contract-" + Guid.NewGuid().ToString("N"));

    private protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A client on the stand-in itself: its fault controls and its own ledger.</summary>
    private protected HttpClient StandIn { get; private set; } = null!;

    /// <summary>The card token the vendor always refuses.</summary>
    private protected abstract string DeclinedCard { get; }

    private protected abstract WebApplication CreateStandIn(string url, string[] args);

    private protected abstract IPaymentGateway CreateGateway(HttpClient vendor, TimeProvider time);

    /// <summary>The vendor's ledger read in the vendor's own shape, as (id, amount in minor units, refunded?).</summary>
    private protected abstract Task<IReadOnlyList<(string Id, long AmountMinor, bool Refunded)>> LedgerAsync();

    public async ValueTask InitializeAsync()
    {
        _standIn = HostLogFile.LogToFile(CreateStandIn("http://127.0.0.1:0", ["--Logging:LogLevel:Default=Warning", .. HostLogFile.ConsoleOff]), GetType().Name);
        await _standIn.StartAsync(Ct);
        StandIn = new HttpClient { BaseAddress = _standIn.BaseAddress() };
    }

    public async ValueTask DisposeAsync()
    {
        StandIn.Dispose();
        if (_standIn is not null)
        {
            await _standIn.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Charge_NewPayment_ChargedOnceWithTheSameMinorUnits()
    {
        var result = await Gateway().ChargeAsync(new ChargeCommand("pay-1", "order-1", 1999, "EUR", "tok_visa"), Ct);

        Assert.Equal(PaymentOutcome.Charged, result.Outcome);
        var charge = Assert.Single(await LedgerAsync());
        Assert.Equal((result.ChargeId, 1999L, false), (charge.Id, charge.AmountMinor, charge.Refunded));
    }

    [Theory]
    [InlineData("JPY", 500)]
    [InlineData("BHD", 1999)]
    public async Task Charge_CurrencyWithOtherDecimals_VendorHoldsTheSameAmount(string currency, long minor)
    {
        await Gateway().ChargeAsync(new ChargeCommand("pay-" + currency, "order-1", minor, currency, "tok_visa"), Ct);

        Assert.Equal(minor, Assert.Single(await LedgerAsync()).AmountMinor);
    }

    [Fact]
    public async Task Charge_SamePaymentRetried_OneChargeSameId()
    {
        var gateway = Gateway();

        var first = await gateway.ChargeAsync(new ChargeCommand("pay-2", "order-2", 500, "EUR", "tok_visa"), Ct);
        var again = await gateway.ChargeAsync(new ChargeCommand("pay-2", "order-2", 500, "EUR", "tok_visa"), Ct);

        Assert.Equal(first.ChargeId, again.ChargeId);
        Assert.Single(await LedgerAsync());
    }

    [Fact]
    public async Task Charge_ManyParallelRetriesOfOnePayment_OneCharge()
    {
        const int Rounds = 4;
        for (var round = 0; round < Rounds; round++)
        {
            var command = new ChargeCommand($"pay-race-{round}", $"order-{round}", 700, "EUR", "tok_visa");
            var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => Gateway().ChargeAsync(command, Ct), Ct)));

            Assert.All(results, r => Assert.Equal(PaymentOutcome.Charged, r.Outcome));
            Assert.Single(results.Select(r => r.ChargeId).Distinct());
        }

        Assert.Equal(Rounds, (await LedgerAsync()).Count);
    }

    [Fact]
    public async Task Charge_DeclinedCard_DeclinedAndNoMoneyFoundUnderTheKey()
    {
        var gateway = Gateway();

        var result = await gateway.ChargeAsync(new ChargeCommand("pay-3", "order-3", 500, "EUR", DeclinedCard), Ct);
        var lookup = await gateway.LookupAsync("pay-3", Ct);

        Assert.Equal(PaymentOutcome.Declined, result.Outcome);
        Assert.Equal(LookupOutcome.NotFound, lookup.Outcome);
    }

    [Fact]
    public async Task Refund_ChargedPayment_LookupShowsItRefundedAndASecondRefundIsHarmless()
    {
        var gateway = Gateway();
        var charge = await gateway.ChargeAsync(new ChargeCommand("pay-4", "order-4", 900, "EUR", "tok_visa"), Ct);

        var refund = await gateway.RefundAsync(charge.ChargeId!, Ct);
        var again = await gateway.RefundAsync(charge.ChargeId!, Ct);
        var lookup = await gateway.LookupAsync("pay-4", Ct);

        Assert.Equal((PaymentOutcome.Charged, PaymentOutcome.Charged), (refund.Outcome, again.Outcome));
        Assert.Equal((LookupOutcome.Found, charge.ChargeId, true), (lookup.Outcome, lookup.Charge!.Id, lookup.Charge.IsRefunded));
        Assert.True(Assert.Single(await LedgerAsync()).Refunded);
    }

    [Fact]
    public async Task Lookup_KeyNeverSent_NotFound()
    {
        var lookup = await Gateway().LookupAsync("never-sent", Ct);

        Assert.Equal(LookupOutcome.NotFound, lookup.Outcome);
    }

    [Fact]
    public async Task ChargeAndLookup_VendorDown_UnavailableNeverThrown()
    {
        await SetFaultsAsync(new { down = true });
        var gateway = Gateway();

        var charge = await gateway.ChargeAsync(new ChargeCommand("pay-5", "order-5", 500, "EUR", "tok_visa"), Ct);
        var lookup = await gateway.LookupAsync("pay-5", Ct);

        Assert.Equal(PaymentOutcome.Unavailable, charge.Outcome);
        Assert.Equal(LookupOutcome.Unavailable, lookup.Outcome);
    }

    [Fact]
    public async Task ChargeAndLookup_VendorAnswers503_UnavailableWithoutCharging()
    {
        await SetFaultsAsync(new { errorRate = 1.0, errorStatus = 503 });
        var gateway = Gateway();

        var charge = await gateway.ChargeAsync(new ChargeCommand("pay-6", "order-6", 500, "EUR", "tok_visa"), Ct);
        var lookup = await gateway.LookupAsync("pay-6", Ct);
        await SetFaultsAsync(new { });

        Assert.Equal(PaymentOutcome.Unavailable, charge.Outcome);
        Assert.Equal(LookupOutcome.Unavailable, lookup.Outcome);
        Assert.Empty(await LedgerAsync());
    }

    [Fact]
    public async Task Charge_VendorRefusesTheRequestAsInvalid_ThrowsAsABugNotATransientFault()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => Gateway().ChargeAsync(new ChargeCommand("pay-7", "order-7", -5, "EUR", "tok_visa"), Ct));
    }

    [Fact]
    public async Task Reverse_ChargeWhoseAnswerWasLost_TheReconcilerFindsAndRefundsIt()
    {
        // The vendor takes the money and the answer is lost: the saga learns nothing, then rejects the order.
        await SetFaultsAsync(new { loseResponseRate = 1.0, lostResponseStatus = 0 });
        var gateway = Gateway();
        var charge = await gateway.ChargeAsync(new ChargeCommand("order-8", "8", 1250, "EUR", "tok_visa"), Ct);
        await SetFaultsAsync(new { });
        Assert.Equal(PaymentOutcome.Unavailable, charge.Outcome);

        var services = new ServiceCollection().AddMetrics().AddSingleton(gateway).BuildServiceProvider();
        await using var _ = services;
        await using var shop = new ShopDatabase(new ShopDataOptions { Path = _dataPath });
        using var database = new ModuleDatabase<PaymentsModule>(shop, TimeProvider.System);
        await database.MigrateAsync(Ct);
        var store = new ReconciliationStore(database);
        var (ledger, events) = TestLedger.Create(_dataPath, TimeProvider.System);
        using var _events = events;
        var reconciliation = new ChargeReconciliation(services, store, ledger, new ReconciliationMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            TimeProvider.System, Options.Create(new ReconciliationOptions { SettleDelay = TimeSpan.Zero }), NullLogger<ChargeReconciliation>.Instance);

        var reversal = await reconciliation.ReverseAsync(new ReversePaymentCommand("order-8", "8", null, TimeProvider.System.GetUtcNow()), Ct);

        Assert.Equal(ReversalOutcome.Refunded, reversal.Outcome);
        var held = Assert.Single(await LedgerAsync());
        Assert.Equal((reversal.ChargeId, true), (held.Id, held.Refunded));
        Assert.Equal(1, await events.RefundsOfAsync(reversal.ChargeId!, Ct));
    }

    private IPaymentGateway Gateway() => CreateGateway(new HttpClient { BaseAddress = StandIn.BaseAddress }, TimeProvider.System);

    private async Task SetFaultsAsync(object faults) =>
        (await StandIn.PutAsJsonAsync("/_control/faults", faults, Ct)).EnsureSuccessStatusCode();
}
