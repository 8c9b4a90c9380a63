using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Shop.Externals.Hosting;
using Shop.Externals.PaymentProvider;

namespace Shop.Host.Tests.Issues;

/// <summary>
/// Issue 10, item 2: a burst of honest writers on the one embedded database (<c>shop.db</c>). Every request is
/// answered without a 5xx and every order saga ends (Confirmed or Rejected) instead of staying Pending.
/// </summary>
public sealed class Issue10ConcurrentWritersTests
{
    private const int Writers = 64;
    private const int Rounds = 3;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignUp_64ParallelFor3Rounds_No5xx()
    {
        await using var shop = await StartShopAsync();

        for (var round = 0; round < Rounds; round++)
        {
            var statuses = await Task.WhenAll(Enumerable.Range(0, Writers).Select(i => SignUpAsync(shop.Client, $"burst-{round}-{i}-{Guid.NewGuid():N}@example.com")));

            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Created, s));
        }
    }

    [Fact]
    public async Task PlaceOrder_64ParallelFor3Rounds_No5xxAndNoSagaLeftPending()
    {
        await using var provider = await StartProviderAsync();
        await using var shop = await StartShopAsync($"--Shop:Externals:PaymentProviderUrl={provider.BaseAddress()}");
        var buyers = await BuyersAsync(shop);
        var placed = new List<Guid>();

        for (var round = 0; round < Rounds; round++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, Writers).Select(i => PlaceOrderAsync(buyers[i % buyers.Length].Client, StockedProduct(round * Writers + i))));

            Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.Status));
            placed.AddRange(answers.Select(a => a.OrderId!.Value));
        }

        // Confirmed or Rejected is the saga's business; Pending after the burst settled means a lost saga.
        var pending = await Eventually.WaitAsync(
            async () => (await Task.WhenAll(placed.Select(id => OrderStatusAsync(shop.Admin, id)))).Count(s => s == "Pending"),
            count => count == 0,
            "every order saga of the burst ends",
            seconds: 90);
        Assert.Equal(0, pending);
    }

    [Fact]
    public async Task WalletDeposit_64ParallelFor3Rounds_No5xx()
    {
        await using var shop = await StartShopAsync();
        using var owner = await shop.NewCustomerAsync();
        var wallets = await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => OpenWalletAsync(owner.Client)));
        Assert.All(wallets, w => Assert.Equal(HttpStatusCode.Created, w.Status));

        for (var round = 0; round < Rounds; round++)
        {
            var statuses = await Task.WhenAll(wallets.Select(w => DepositAsync(owner.Client, w.Id!, 100)));

            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        }
    }

    [Fact]
    public async Task MixedBurst_SignUpsOrdersAndDepositsTogetherFor3Rounds_No5xxAndNoSagaLeftPending()
    {
        await using var provider = await StartProviderAsync();
        await using var shop = await StartShopAsync($"--Shop:Externals:PaymentProviderUrl={provider.BaseAddress()}");
        var buyers = await BuyersAsync(shop);
        using var owner = await shop.NewCustomerAsync();
        var wallets = await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => OpenWalletAsync(owner.Client)));
        var placed = new List<Guid>();
        var failures = new List<string>();

        for (var round = 0; round < Rounds; round++)
        {
            var signUps = Task.WhenAll(Enumerable.Range(0, Writers).Select(i => SignUpAsync(shop.Client, $"mixed-{round}-{i}-{Guid.NewGuid():N}@example.com")));
            var orders = Task.WhenAll(Enumerable.Range(0, Writers).Select(i => PlaceOrderAsync(buyers[i % buyers.Length].Client, StockedProduct(round * Writers + i))));
            var deposits = Task.WhenAll(wallets.Select(w => DepositAsync(owner.Client, w.Id!, 100)));
            await Task.WhenAll(signUps, orders, deposits);

            failures.AddRange((await signUps).Where(s => s != HttpStatusCode.Created).Select(s => $"sign-up {(int)s}"));
            failures.AddRange((await orders).Where(a => a.Status != HttpStatusCode.Accepted).Select(a => $"order {(int)a.Status}"));
            failures.AddRange((await deposits).Where(s => s != HttpStatusCode.OK).Select(s => $"deposit {(int)s}"));
            placed.AddRange((await orders).Where(a => a.OrderId is not null).Select(a => a.OrderId!.Value));
        }

        // Bounded poll (not Eventually) so the figures are reported even when sagas stay pending.
        var settle = System.Diagnostics.Stopwatch.StartNew();
        int pending;
        while ((pending = await PendingAsync(shop.Admin, placed)) > 0 && settle.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(250, Ct);
        }

        Report($"mixed burst {Rounds}x({Writers} sign-ups + {Writers} orders + {Writers} deposits): 5xx sign-ups={failures.Count(f => f.StartsWith("sign-up 5", StringComparison.Ordinal))} orders={failures.Count(f => f.StartsWith("order 5", StringComparison.Ordinal))} deposits={failures.Count(f => f.StartsWith("deposit 5", StringComparison.Ordinal))}; pending={pending} after {settle.Elapsed.TotalSeconds:0.0} s");
        Assert.Empty(failures);
        Assert.Equal(0, pending);
    }

    // The benchmark note (docs/benchmarks/sqlite-concurrency.md) collects these figures: BURST_REPORT=<file>.
    private static void Report(string line)
    {
        if (Environment.GetEnvironmentVariable("BURST_REPORT") is { Length: > 0 } path)
        {
            File.AppendAllLines(path, [line]);
        }
    }

    // A product with plenty of stock (the demo seed: multiples of 10 are sold out, of 7 scarce), spread so the burst
    // does not empty one shelf.
    private static int StockedProduct(int n)
    {
        int[] stocked = [.. Enumerable.Range(1, 60).Where(p => p % 10 != 0 && p % 7 != 0)];
        return stocked[n % stocked.Length];
    }

    // Customer calls go through these helpers so they can switch to a signed-in client in one place.
    private static async Task<HttpStatusCode> SignUpAsync(HttpClient client, string email)
    {
        using var response = await client.PostAsJsonAsync("/api/users", new { email, displayName = "Burst", password = "correct-horse-battery-staple" }, Ct);
        return response.StatusCode;
    }

    // Eight signed-in customers share a burst of orders; a sign-up per order would measure password hashing.
    private static Task<ShopCustomer[]> BuyersAsync(RunningShop shop) =>
        Task.WhenAll(Enumerable.Range(0, 8).Select(_ => shop.NewCustomerAsync()));

    private static async Task<(HttpStatusCode Status, Guid? OrderId)> PlaceOrderAsync(HttpClient client, int product)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new { items = new[] { new { productId = product, quantity = 1 } }, cardToken = "tok_visa", shippingPostcode = "10115" }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await client.SendAsync(request, Ct);
        Guid? id = response.StatusCode == HttpStatusCode.Accepted ? (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid() : null;
        return (response.StatusCode, id);
    }

    private static async Task<int> PendingAsync(HttpClient client, IEnumerable<Guid> orders) =>
        (await Task.WhenAll(orders.Select(id => OrderStatusAsync(client, id)))).Count(s => s == "Pending");

    private static async Task<string?> OrderStatusAsync(HttpClient client, Guid orderId) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}", Ct)).GetProperty("status").GetString();

    private static async Task<(HttpStatusCode Status, string? Id)> OpenWalletAsync(HttpClient client)
    {
        using var response = await PostWithKeyAsync(client, "/api/wallets", new { ownerName = "Ada Lovelace", ownerEmail = "ada@example.com" });
        var id = response.StatusCode == HttpStatusCode.Created ? (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString() : null;
        return (response.StatusCode, id);
    }

    private static async Task<HttpStatusCode> DepositAsync(HttpClient client, string walletId, long amountCents)
    {
        using var response = await PostWithKeyAsync(client, $"/api/wallets/{walletId}/deposits", new { amountCents });
        return response.StatusCode;
    }

    private static Task<HttpResponseMessage> PostWithKeyAsync(HttpClient client, string path, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        return SendAndDisposeAsync(client, request);
    }

    private static async Task<HttpResponseMessage> SendAndDisposeAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            return await client.SendAsync(request, Ct);
        }
    }

    // The anonymous rate limit is not under test: the burst is honest customers, not abuse.
    private static Task<RunningShop> StartShopAsync(params string[] extra) =>
        RunningShop.StartAsync(null, null, ["--Bulwark:RateLimiting:Tiers:anonymous:PermitLimit=1000000", .. extra]);

    private static async Task<WebApplication> StartProviderAsync()
    {
        var app = PaymentProviderApp.Create("http://127.0.0.1:0", ["--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync(Ct);
        return app;
    }
}
