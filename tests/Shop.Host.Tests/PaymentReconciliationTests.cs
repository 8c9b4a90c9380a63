using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Shop.Externals.Hosting;
using Shop.Externals.PaymentProvider;

namespace Shop.Host.Tests;

/// <summary>
/// Charges whose answer is lost (the provider took the money, the shop never heard): the rejected order must keep no
/// money, whether the saga's compensation settles it at once or the background reconciler does later.
/// </summary>
public sealed class PaymentReconciliationTests
{
    // Fast reconciler rounds so the tests wait in milliseconds, not the production seconds.
    private static readonly string[] FastReconciliation =
    [
        "--Shop:Payments:Reconciliation:PollInterval=00:00:00.050",
        "--Shop:Payments:Reconciliation:BaseDelay=00:00:00.050",
        "--Shop:Payments:Reconciliation:MaxDelay=00:00:00.400",
        "--Shop:Payments:Reconciliation:SettleDelay=00:00:00.500",
        "--Bulwark:RateLimiting:Tiers:anonymous:PermitLimit=1000000",
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(0)]
    [InlineData(503)]
    public async Task Order_ChargeAnswersLost_RejectedAndNoMoneyKept(int lostResponseStatus)
    {
        await using var provider = await StartProviderAsync();
        using var control = new HttpClient { BaseAddress = provider.BaseAddress() };
        await using var shop = await StartShopAsync(provider, "--Bulwark:Resilience:CircuitBreakers:payments:BreakDuration=00:00:00.300");
        using var buyer = await shop.NewCustomerAsync();
        await StandIns.SetFaultsAsync(control, new { loseResponseRate = 1.0, lostResponseStatus });

        var orders = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            orders.Add(await PlaceAsync(buyer.Client, "10115"));
        }

        foreach (var orderId in orders)
        {
            var order = await Eventually.WaitAsync(() => OrderAsync(buyer.Client, orderId), o => o.GetProperty("status").GetString() != "Pending", $"order {orderId} ends");
            Assert.Equal("Rejected", order.GetProperty("status").GetString());
        }

        // Every charge the provider took (and answered into the void) is refunded: zero money kept for rejected orders.
        var charges = await Eventually.WaitAsync(
            () => ChargesAsync(control),
            all => orders.All(id => all.Any(c => c.Reference == id.ToString() && c.Status == "refunded")),
            "every lost charge refunded");
        Assert.Equal(orders.Count, charges.Count);
        Assert.Equal(0, charges.Where(c => c.Status == "succeeded").Sum(c => c.AmountCents));
        Assert.All(charges, c => Assert.Equal($"order-{Guid.Parse(c.Reference):N}", c.IdempotencyKey));
        foreach (var orderId in orders)
        {
            await Eventually.WaitAsync(() => OrderAsync(buyer.Client, orderId), o => o.GetProperty("payment").GetString() == "Refunded", $"order {orderId} shows the refund");
        }

        await Eventually.WaitAsync(() => ReconciliationsAsync(shop.Admin), r => r.All(e => e.GetProperty("status").GetString() is "refunded"), "nothing left unreconciled");
    }

    [Fact]
    public async Task Order_ProviderDownDuringReconciliation_ReconcilerRefundsWhenItReturns()
    {
        await using var provider = await StartProviderAsync();
        using var control = new HttpClient { BaseAddress = provider.BaseAddress() };
        // The breaker opens at the first lost answer and stays open well past the compensation, so the compensation's
        // lookup cannot reach the provider: the payment must go to the reconciler (deterministically, not by a race).
        await using var shop = await StartShopAsync(
            provider,
            "--Bulwark:Resilience:CircuitBreakers:payments:FailureThreshold=1",
            "--Bulwark:Resilience:CircuitBreakers:payments:BreakDuration=00:00:02");
        using var buyer = await shop.NewCustomerAsync();
        await StandIns.SetFaultsAsync(control, new { loseResponseRate = 1.0 });

        var orderId = await PlaceAsync(buyer.Client, "10115");
        await Eventually.WaitAsync(() => ChargesAsync(control), all => all.Any(c => c.Reference == orderId.ToString()), "the provider takes the money");
        await StandIns.SetFaultsAsync(control, new { down = true });

        var order = await Eventually.WaitAsync(() => OrderAsync(buyer.Client, orderId), o => o.GetProperty("status").GetString() != "Pending", "the order ends");
        Assert.Equal("Rejected", order.GetProperty("status").GetString());
        Assert.Equal("Reconciling", order.GetProperty("payment").GetString());

        // Visible, durable, and still being worked on while the provider is down.
        var paymentId = $"order-{orderId:N}";
        var pending = await Eventually.WaitAsync(
            () => ReconciliationAsync(shop.Admin, paymentId),
            r => r is { } e && e.GetProperty("attempts").GetInt32() >= 3,
            "the reconciler keeps trying while the provider is down");
        Assert.Equal("pending", pending!.Value.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(pending.Value.GetProperty("lastError").GetString()));

        (await control.DeleteAsync("/_control/faults", Ct)).EnsureSuccessStatusCode();

        var settled = await Eventually.WaitAsync(() => ReconciliationAsync(shop.Admin, paymentId), r => r?.GetProperty("status").GetString() == "refunded", "the reconciler refunds once the provider is back");
        var charge = Assert.Single(await ChargesAsync(control));
        Assert.Equal("refunded", charge.Status);
        Assert.Equal(charge.Id, settled!.Value.GetProperty("chargeId").GetString());
        Assert.Equal("Refunded", (await OrderAsync(buyer.Client, orderId)).GetProperty("payment").GetString());
    }

    [Fact]
    public async Task Order_SomeAnswersLost_EachOrderChargedOnceOrRefunded()
    {
        await using var provider = await StartProviderAsync();
        using var control = new HttpClient { BaseAddress = provider.BaseAddress() };
        // A breaker that never opens here: the idempotent retries of the charge step are what is under test.
        await using var shop = await StartShopAsync(provider, "--Bulwark:Resilience:CircuitBreakers:payments:FailureThreshold=1000");
        using var buyer = await shop.NewCustomerAsync();
        await StandIns.SetFaultsAsync(control, new { loseResponseRate = 0.5 });

        var orders = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            orders.Add(await PlaceAsync(buyer.Client, "10115"));
        }

        var ends = new Dictionary<Guid, string>();
        foreach (var orderId in orders)
        {
            var order = await Eventually.WaitAsync(() => OrderAsync(buyer.Client, orderId), o => o.GetProperty("status").GetString() != "Pending", $"order {orderId} ends");
            ends[orderId] = order.GetProperty("status").GetString()!;
        }

        // A retry with the same key after a lost answer gets the same charge: never two charges for one order.
        var charges = await Eventually.WaitAsync(
            () => ChargesAsync(control),
            all => ends.Where(e => e.Value == "Rejected").All(e => all.Where(c => c.Reference == e.Key.ToString()).All(c => c.Status == "refunded")),
            "rejected orders keep no money");
        foreach (var (orderId, status) in ends)
        {
            var mine = charges.Where(c => c.Reference == orderId.ToString()).ToList();
            Assert.True(mine.Count <= 1, $"order {orderId} was charged {mine.Count} times");
            if (status == "Confirmed")
            {
                Assert.Equal("succeeded", Assert.Single(mine).Status);
            }
        }

        Assert.Contains("Confirmed", ends.Values);
    }

    private static async Task<Guid> PlaceAsync(HttpClient client, string postcode)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(OrdersTests.Order("tok_visa", postcode)) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    private static Task<JsonElement> OrderAsync(HttpClient client, Guid orderId) =>
        client.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}", Ct);

    private static async Task<List<JsonElement>> ReconciliationsAsync(HttpClient client) =>
        [.. (await client.GetFromJsonAsync<JsonElement>("/api/payments/reconciliations", Ct)).EnumerateArray()];

    private static async Task<JsonElement?> ReconciliationAsync(HttpClient client, string paymentId) =>
        (await ReconciliationsAsync(client)).Where(e => e.GetProperty("paymentId").GetString() == paymentId).Select(e => (JsonElement?)e).SingleOrDefault();

    private static async Task<List<PaymentProviderApp.ChargeRecord>> ChargesAsync(HttpClient control) =>
        (await control.GetFromJsonAsync<List<PaymentProviderApp.ChargeRecord>>("/charges", Ct))!;

    private static Task<RunningShop> StartShopAsync(WebApplication provider, params string[] extra) =>
        RunningShop.StartAsync(null, null, [$"--Shop:Externals:PaymentProviderUrl={provider.BaseAddress()}", .. FastReconciliation, .. extra]);

    private static async Task<WebApplication> StartProviderAsync()
    {
        var app = PaymentProviderApp.Create("http://127.0.0.1:0", ["--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync(Ct);
        return app;
    }
}
