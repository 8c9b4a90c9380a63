using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Shop.Externals.Hosting;
using Shop.Externals.PaymentProvider;
using Shop.Orders;

namespace Shop.Host.Tests;

/// <summary>Ordering against the real host and the payment-provider stand-in over loopback: idempotency and the fulfilment saga.</summary>
public sealed class OrdersTests
{
    private const int Product = 1;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Place_TwentyParallelIdenticalRequestsWithOneKey_OneOrderAndOneCharge()
    {
        await using var provider = await StartProviderAsync();
        await using var shop = await StartShopAsync(provider);
        using var buyer = await shop.NewCustomerAsync();

        for (var round = 0; round < 5; round++)
        {
            var key = $"order-round-{round}-{Guid.NewGuid():N}";
            var body = JsonSerializer.Serialize(Order("tok_visa", "10115"));
            var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
            {
                using var response = await PostOrderAsync(buyer.Client, key, body);
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(Ct));
            }));

            Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
            var ids = responses.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("id").GetGuid()).Distinct().ToList();
            var orderId = Assert.Single(ids);
            Assert.Equal("Confirmed", (await WaitForEndAsync(buyer.Client, orderId)).GetProperty("status").GetString());
            Assert.Single(await ChargesAsync(provider), c => c.Reference == orderId.ToString());
        }

        Assert.Equal(5, (await ChargesAsync(provider)).Count);
    }

    [Fact]
    public async Task Place_SameKeyOtherBody_Returns422()
    {
        await using var provider = await StartProviderAsync();
        await using var shop = await StartShopAsync(provider);
        using var buyer = await shop.NewCustomerAsync();

        using var first = await PostOrderAsync(buyer.Client, "same-key", JsonSerializer.Serialize(Order("tok_visa", "10115")));
        using var second = await PostOrderAsync(buyer.Client, "same-key", JsonSerializer.Serialize(Order("tok_visa", "20095")));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Place_WithoutIdempotencyKey_Returns400AndCreatesNothing()
    {
        await using var provider = await StartProviderAsync();
        await using var shop = await StartShopAsync(provider);
        using var buyer = await shop.NewCustomerAsync();

        using var response = await buyer.Client.PostAsJsonAsync("/api/orders", Order("tok_visa", "10115"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, (await StockAsync(shop.Client)).Reserved);
    }

    [Theory]
    [InlineData("{}", HttpStatusCode.BadRequest)]
    [InlineData("{\"customerId\":\"6c4a3c5e-0000-4000-8000-000000000001\",\"items\":[{\"productId\":1,\"quantity\":0}],\"cardToken\":\"tok_visa\",\"shippingPostcode\":\"10115\"}", HttpStatusCode.UnprocessableEntity)]
    [InlineData("{\"customerId\":\"6c4a3c5e-0000-4000-8000-000000000001\",\"items\":[{\"productId\":999999,\"quantity\":1}],\"cardToken\":\"tok_visa\",\"shippingPostcode\":\"10115\"}", HttpStatusCode.UnprocessableEntity)]
    [InlineData("{\"customerId\":\"6c4a3c5e-0000-4000-8000-000000000001\",\"items\":[],\"cardToken\":\"tok_visa\",\"shippingPostcode\":\"10115\"}", HttpStatusCode.UnprocessableEntity)]
    public async Task Place_InvalidBody_ReturnsProblemWithoutCharging(string body, HttpStatusCode expected)
    {
        await using var provider = await StartProviderAsync();
        await using var shop = await StartShopAsync(provider);
        using var buyer = await shop.NewCustomerAsync();

        using var response = await PostOrderAsync(buyer.Client, Guid.NewGuid().ToString("N"), body);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await ChargesAsync(provider));
    }

    [Fact]
    public async Task Place_DeclinedCard_RejectedAndStockReleased()
    {
        await using var provider = await StartProviderAsync();
        await using var shop = await StartShopAsync(provider);
        using var buyer = await shop.NewCustomerAsync();
        var before = await StockAsync(shop.Client);

        var orderId = await PlaceAsync(buyer.Client, Order(PaymentProviderApp.DeclinedCard, "10115"));
        var order = await WaitForEndAsync(buyer.Client, orderId);

        Assert.Equal("Rejected", order.GetProperty("status").GetString());
        Assert.Contains("declined", order.GetProperty("reason").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await StockAsync(shop.Client));
        Assert.Empty(await ChargesAsync(provider));
    }

    [Fact]
    public async Task Place_UndeliverablePostcode_RefundedAndStockReleased()
    {
        await using var provider = await StartProviderAsync();
        await using var shop = await StartShopAsync(provider);
        using var buyer = await shop.NewCustomerAsync();
        var before = await StockAsync(shop.Client);

        var orderId = await PlaceAsync(buyer.Client, Order("tok_visa", "00000"));
        var order = await WaitForEndAsync(buyer.Client, orderId);

        Assert.Equal("Rejected", order.GetProperty("status").GetString());
        Assert.Contains("00000", order.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var charge = Assert.Single(await ChargesAsync(provider), c => c.Reference == orderId.ToString());
        Assert.Equal("refunded", charge.Status);
        Assert.Equal(before, await StockAsync(shop.Client));
    }

    [Fact]
    public async Task Saga_KilledAfterCharge_ResumesOnRestartAndCompensates()
    {
        await using var provider = await StartProviderAsync();
        var dataPath = Path.Combine(Path.GetTempPath(), "bulwark-shop-" + Guid.NewGuid().ToString("N"));
        Guid orderId;
        StockView before;
        var death = SagaDeath.WhenSaved("charge-payment");
        await using (var dying = await StartShopAsync(provider, dataPath, death.Registration))
        {
            before = await StockAsync(dying.Client);
            using var buyer = await dying.NewCustomerAsync();
            orderId = await PlaceAsync(buyer.Client, Order("tok_visa", "00000"));
            await WaitUntilAsync(async () => (await ChargesAsync(provider)).Any(c => c.Reference == orderId.ToString()));
            // The provider sees the charge before the saga has saved the step: stop the process only once it has.
            await death.Reached.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        }

        // The first process stopped the saga after the charge: money taken, stock held, order still pending.
        Assert.Equal("succeeded", Assert.Single(await ChargesAsync(provider)).Status);

        await using var restarted = await StartShopAsync(provider, dataPath);
        var order = await WaitForEndAsync(restarted.Admin, orderId);

        Assert.Equal("Rejected", order.GetProperty("status").GetString());
        Assert.Equal("refunded", Assert.Single(await ChargesAsync(provider)).Status);
        Assert.Equal(before, await StockAsync(restarted.Client));
    }

    [Fact]
    public async Task Saga_KilledAfterCharge_ResumesOnRestartAndConfirmsWithOneCharge()
    {
        await using var provider = await StartProviderAsync();
        var dataPath = Path.Combine(Path.GetTempPath(), "bulwark-shop-" + Guid.NewGuid().ToString("N"));
        Guid orderId;
        StockView before;
        var death = SagaDeath.WhenSaved("charge-payment");
        await using (var dying = await StartShopAsync(provider, dataPath, death.Registration))
        {
            before = await StockAsync(dying.Client);
            using var buyer = await dying.NewCustomerAsync();
            orderId = await PlaceAsync(buyer.Client, Order("tok_visa", "10115"));
            await WaitUntilAsync(async () => (await ChargesAsync(provider)).Any(c => c.Reference == orderId.ToString()));
            // The provider sees the charge before the saga has saved the step: stop the process only once it has.
            await death.Reached.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        }

        await using var restarted = await StartShopAsync(provider, dataPath);
        var order = await WaitForEndAsync(restarted.Admin, orderId);

        Assert.Equal("Confirmed", order.GetProperty("status").GetString());
        Assert.Equal("succeeded", Assert.Single(await ChargesAsync(provider)).Status);
        var after = await StockAsync(restarted.Client);
        // Committed: the two units left the shelf and no reservation is left behind.
        Assert.Equal(before with { OnHand = before.OnHand - 2, Available = before.Available - 2 }, after);
    }

    [Fact]
    public async Task Saga_CrashAfterChargeBeforeSave_RestartRepeatsStepAndChargesOnce()
    {
        await using var provider = await StartProviderAsync();
        var dataPath = Path.Combine(Path.GetTempPath(), "bulwark-shop-" + Guid.NewGuid().ToString("N"));
        Guid orderId;
        var death = SagaDeath.WhenSucceeded("charge-payment");
        await using (var dying = await StartShopAsync(provider, dataPath, death.Registration))
        {
            using var buyer = await dying.NewCustomerAsync();
            orderId = await PlaceAsync(buyer.Client, Order("tok_visa", "10115"));
            await WaitUntilAsync(async () => (await ChargesAsync(provider)).Any(c => c.Reference == orderId.ToString()));
            // The provider sees the charge before the saga has saved the step: stop the process only once it has.
            await death.Reached.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        }

        // The saga never recorded the charge, so the restart charges again: the payment id derived from the order id
        // makes the provider answer with the same charge instead of taking the money twice.
        await using var restarted = await StartShopAsync(provider, dataPath);
        var order = await WaitForEndAsync(restarted.Admin, orderId);

        Assert.Equal("Confirmed", order.GetProperty("status").GetString());
        Assert.Equal("succeeded", Assert.Single(await ChargesAsync(provider)).Status);
    }

    [Fact]
    public async Task Saga_RefundKeepsFailing_OrderRejectedAndReconcilerRefundsLater()
    {
        await using var provider = await StartProviderAsync();
        var dataPath = Path.Combine(Path.GetTempPath(), "bulwark-shop-" + Guid.NewGuid().ToString("N"));
        Guid orderId;
        var death = SagaDeath.WhenSaved("charge-payment");
        await using (var dying = await StartShopAsync(provider, dataPath, death.Registration))
        {
            using var buyer = await dying.NewCustomerAsync();
            orderId = await PlaceAsync(buyer.Client, Order("tok_visa", "00000"));
            await WaitUntilAsync(async () => (await ChargesAsync(provider)).Any(c => c.Reference == orderId.ToString()));
            // The provider sees the charge before the saga has saved the step: stop the process only once it has.
            await death.Reached.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        }

        // Shipping will fail and the refund cannot reach the provider: the saga does not park on money it can hand
        // over. The order is rejected (stock released) and the payments reconciler owns the refund, durably.
        using var control = new HttpClient { BaseAddress = provider.BaseAddress() };
        (await control.PutAsJsonAsync("/_control/faults", new { errorRate = 1.0, errorStatus = 500 }, Ct)).EnsureSuccessStatusCode();

        await using var restarted = await StartShopAsync(provider, dataPath, "--Shop:Payments:Reconciliation:PollInterval=00:00:00.050", "--Shop:Payments:Reconciliation:BaseDelay=00:00:00.050", "--Shop:Payments:Reconciliation:MaxDelay=00:00:00.300");
        var order = await WaitForEndAsync(restarted.Admin, orderId);

        Assert.Equal("Rejected", order.GetProperty("status").GetString());
        Assert.Equal("Reconciling", order.GetProperty("payment").GetString());

        (await control.DeleteAsync("/_control/faults", Ct)).EnsureSuccessStatusCode();
        await Eventually.WaitAsync(() => ChargesAsync(provider), all => all.Single().Status == "refunded", "the reconciler refunds once the provider answers");
        await Eventually.WaitAsync(
            async () => (await restarted.Admin.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}", Ct)).GetProperty("payment").GetString(),
            p => p == "Refunded",
            "the order shows the refund");
    }

    [Fact]
    public async Task History_RightAfterPlacing_ShowsTheOrderAndRebuildEqualsLive()
    {
        await using var provider = await StartProviderAsync();
        await using var shop = await StartShopAsync(provider);
        using var buyer = await shop.NewCustomerAsync();

        var ids = new List<Guid>();
        foreach (var (card, postcode) in new[] { ("tok_visa", "10115"), (PaymentProviderApp.DeclinedCard, "10115"), ("tok_visa", "00000") })
        {
            ids.Add(await PlaceAsync(buyer.Client, Order(card, postcode)));
            // Read-your-own-writes: the order the caller just placed is already in its history.
            var history = await HistoryAsync(buyer.Client, buyer.Id);
            Assert.Equal(ids, history.Select(h => h.GetProperty("orderId").GetGuid()));
        }

        foreach (var id in ids)
        {
            await WaitForEndAsync(buyer.Client, id);
        }

        var live = await WaitForHistoryAsync(buyer.Client, buyer.Id, h => h.All(e => e.GetProperty("status").GetString() != "Pending"));
        Assert.Equal(["Confirmed", "Rejected", "Rejected"], live.Select(h => h.GetProperty("status").GetString()));

        await OrdersModule.RebuildOrderHistoryAsync(shop.Services, Ct);
        var rebuilt = await HistoryAsync(buyer.Client, buyer.Id);

        Assert.Equal(live.Select(e => e.GetRawText()), rebuilt.Select(e => e.GetRawText()));
        // The shadow rebuild swapped tables: the customer index must have come along, or history reads scan the table.
        await using var connection = await shop.OpenDatabaseAsync();
        await using var index = connection.CreateCommand();
        // PostgreSQL copies the index under a name of its own (LIKE ... INCLUDING ALL): found by its columns there.
        index.CommandText = shop.Dialect == "postgres"
            ? "SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'orders_history' AND indexdef LIKE '%(customer_id, placed_at)%';"
            : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'orders_history_by_customer' AND tbl_name = 'orders_history';";
        Assert.Equal(1L, Convert.ToInt64(await index.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture));
    }

    internal static object Order(string card, string postcode) =>
        new { items = new[] { new { productId = Product, quantity = 2 } }, cardToken = card, shippingPostcode = postcode };

    private static async Task<HttpResponseMessage> PostOrderAsync(HttpClient client, string key, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request, Ct);
    }

    private static async Task<Guid> PlaceAsync(HttpClient client, object order)
    {
        using var response = await PostOrderAsync(client, Guid.NewGuid().ToString("N"), JsonSerializer.Serialize(order));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.NotNull(response.Headers.Location);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("Pending", body.GetProperty("status").GetString());
        return body.GetProperty("id").GetGuid();
    }

    private static async Task<JsonElement> WaitForEndAsync(HttpClient client, Guid orderId)
    {
        JsonElement order = default;
        await WaitUntilAsync(async () =>
        {
            order = await client.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}", Ct);
            return order.GetProperty("status").GetString() != "Pending";
        });
        return order;
    }

    private static async Task<List<JsonElement>> HistoryAsync(HttpClient client, Guid customer) =>
        [.. (await client.GetFromJsonAsync<JsonElement>($"/api/customers/{customer}/orders", Ct)).EnumerateArray()];

    private static async Task<List<JsonElement>> WaitForHistoryAsync(HttpClient client, Guid customer, Func<List<JsonElement>, bool> done)
    {
        List<JsonElement> history = [];
        await WaitUntilAsync(async () => done(history = await HistoryAsync(client, customer)));
        return history;
    }

    // The saga runs after the 202, so the test polls the API, bounded.
    internal static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 400; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(25, Ct);
        }

        Assert.Fail("The condition did not hold within 10 s.");
    }

    private static async Task<StockView> StockAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<StockView>($"/api/inventory/{Product}", Ct))!;

    private static async Task<List<PaymentProviderApp.ChargeRecord>> ChargesAsync(WebApplication provider)
    {
        using var control = new HttpClient { BaseAddress = provider.BaseAddress() };
        return (await control.GetFromJsonAsync<List<PaymentProviderApp.ChargeRecord>>("/charges", Ct))!;
    }

    // The anonymous rate limit (60/min) is not under test here; these tests poll and send bursts.
    private static Task<RunningShop> StartShopAsync(WebApplication provider, string? dataPath = null, params string[] extra) =>
        StartShopAsync(provider, dataPath, null, extra);

    private static Task<RunningShop> StartShopAsync(WebApplication provider, string? dataPath, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services, params string[] extra) =>
        RunningShop.StartAsync(dataPath, services, [$"--Shop:Externals:PaymentProviderUrl={provider.BaseAddress()}", "--Bulwark:RateLimiting:Tiers:anonymous:PermitLimit=1000000", .. extra]);

    internal static async Task<WebApplication> StartProviderAsync()
    {
        var app = HostLogFile.LogToFile(PaymentProviderApp.Create("http://127.0.0.1:0", ["--Logging:LogLevel:Default=Warning", .. HostLogFile.ConsoleOff]), "payments");
        await app.StartAsync(Ct);
        return app;
    }

    private sealed record StockView(int ProductId, int OnHand, int Reserved, int Available);
}
