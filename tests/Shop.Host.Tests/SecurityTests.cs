using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Shop.Externals.Hosting;
using Shop.Externals.PaymentProvider;

namespace Shop.Host.Tests;

/// <summary>
/// Issue 9's attacks against the real host: who may call what (docs/security.md). Each test failed on the shop before
/// identity existed: the charge endpoint was a public till and every customer resource answered to anyone.
/// </summary>
public sealed class SecurityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Charge_OneCentPreemptionOfAnOrdersKey_IsRefusedAndTheOrderIsChargedInFull()
    {
        await using var provider = await StartProviderAsync();
        await using var shop = await RunningShop.StartAsync(null, null, [$"--Shop:Externals:PaymentProviderUrl={provider.BaseAddress()}", .. RunningShop.RoomyPaymentBudgets]);
        using var buyer = await shop.NewCustomerAsync();
        using var attacker = await shop.NewCustomerAsync();

        for (var round = 0; round < 3; round++)
        {
            var placed = await PlaceAsync(buyer.Client, "tok_visa");
            // The saga's own provider key for this order (OrderSagaData.PaymentId).
            var orderKey = $"order-{placed.Id:N}";
            var oneCent = new { reference = orderKey, amountCents = 1, currency = "EUR", cardToken = "tok_visa" };

            // The attack as it was: anonymous, then as a signed-in customer, racing the saga for the order's own key.
            using var anonymous = await PostChargeAsync(shop.Client, orderKey, oneCent);
            using var customer = await PostChargeAsync(attacker.Client, orderKey, oneCent);
            // Even an operator's manual charge under that key cannot touch the order's charge: its provider key is scoped.
            using var operatorCharge = await shop.ChargeAsync(oneCent, orderKey);

            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, customer.StatusCode);
            Assert.Equal(HttpStatusCode.Created, operatorCharge.StatusCode);
            var order = await WaitForEndAsync(buyer.Client, placed.Id);
            Assert.Equal("Confirmed", order.GetProperty("status").GetString());
            var charge = Assert.Single(await ChargesAsync(provider, orderKey));
            Assert.Equal(placed.TotalCents, charge.AmountCents);
        }
    }

    [Fact]
    public async Task Customers_AnotherCustomersThings_AreNotFoundAndUnchanged()
    {
        await using var provider = await StartProviderAsync();
        await using var shop = await RunningShop.StartAsync(null, null, [$"--Shop:Externals:PaymentProviderUrl={provider.BaseAddress()}", .. RunningShop.RoomyPaymentBudgets]);
        using var ada = await shop.NewCustomerAsync("Ada");
        using var eve = await shop.NewCustomerAsync("Eve");
        var order = await PlaceAsync(ada.Client, "tok_visa");
        var wallet = await OpenWalletAsync(ada.Client);
        using (var deposit = await SendKeyedAsync(ada.Client, $"/api/wallets/{wallet}/deposits", new { amountCents = 5000 }))
        {
            Assert.Equal(HttpStatusCode.OK, deposit.StatusCode);
        }

        var reads = new[]
        {
            $"/api/orders/{order.Id}",
            $"/api/customers/{ada.Id}/orders",
            $"/api/users/{ada.Id}",
            $"/api/notifications?userId={ada.Id}",
            $"/api/rewards/{ada.Id}",
            $"/api/rewards/{ada.Id}/orders",
            $"/api/wallets/{wallet}",
        };
        foreach (var path in reads)
        {
            using var asEve = await eve.Client.GetAsync(path, Ct);
            using var asNobody = await shop.Client.GetAsync(path, Ct);
            Assert.True(asEve.StatusCode == HttpStatusCode.NotFound, $"GET {path} as another customer answered {(int)asEve.StatusCode}");
            Assert.True(asNobody.StatusCode == HttpStatusCode.Unauthorized, $"GET {path} without credentials answered {(int)asNobody.StatusCode}");
            Assert.Equal("application/problem+json", asEve.Content.Headers.ContentType?.MediaType);
        }

        using var withdraw = await SendKeyedAsync(eve.Client, $"/api/wallets/{wallet}/withdrawals", new { amountCents = 5000 });
        using var depositToIt = await SendKeyedAsync(eve.Client, $"/api/wallets/{wallet}/deposits", new { amountCents = 1 });
        using var shred = await eve.Client.DeleteAsync($"/api/wallets/{wallet}/personal-data", Ct);
        using var anonymousShred = await shop.Client.DeleteAsync($"/api/wallets/{wallet}/personal-data", Ct);

        Assert.Equal(HttpStatusCode.NotFound, withdraw.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, depositToIt.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, shred.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousShred.StatusCode);
        var mine = await ada.Client.GetFromJsonAsync<JsonElement>($"/api/wallets/{wallet}", Ct);
        Assert.Equal(5000, mine.GetProperty("balanceCents").GetInt64());
        Assert.Equal("Ada Lovelace", mine.GetProperty("ownerName").GetString());
        // Eve's own list shows none of Ada's mail; an operator sees Ada's.
        Assert.DoesNotContain(await eve.Client.GetFromJsonAsync<JsonElement[]>("/api/notifications", Ct) ?? [], n => n.GetProperty("userId").GetGuid() == ada.Id);
        Assert.NotEmpty(await Eventually.WaitAsync(
            async () => await shop.Admin.GetFromJsonAsync<JsonElement[]>($"/api/notifications?userId={ada.Id}", Ct) ?? [], m => m.Length > 0, "Ada's welcome mail, as an operator"));
    }

    [Fact]
    public async Task PlaceOrder_CustomerIdInTheBody_IsIgnoredForTheTokensCustomer()
    {
        await using var provider = await StartProviderAsync();
        await using var shop = await RunningShop.StartAsync(null, null, [$"--Shop:Externals:PaymentProviderUrl={provider.BaseAddress()}", .. RunningShop.RoomyPaymentBudgets]);
        using var ada = await shop.NewCustomerAsync();
        using var eve = await shop.NewCustomerAsync();

        using var response = await SendKeyedAsync(eve.Client, "/api/orders", new
        {
            customerId = ada.Id,
            items = new[] { new { productId = 1, quantity = 1 } },
            cardToken = "tok_visa",
            shippingPostcode = "10115",
        });
        var order = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(eve.Id, order.GetProperty("customerId").GetGuid());
        using var asAda = await ada.Client.GetAsync($"/api/orders/{order.GetProperty("id").GetGuid()}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, asAda.StatusCode);
    }

    [Fact]
    public async Task IdempotencyKey_ReusedByAnotherCustomer_GetsTheirOwnAnswerNeverTheFirstCallers()
    {
        await using var provider = await StartProviderAsync();
        await using var shop = await RunningShop.StartAsync(null, null, [$"--Shop:Externals:PaymentProviderUrl={provider.BaseAddress()}", .. RunningShop.RoomyPaymentBudgets]);
        using var ada = await shop.NewCustomerAsync();
        using var eve = await shop.NewCustomerAsync();
        var key = "shared-" + Guid.NewGuid().ToString("N");

        using var first = await SendKeyedAsync(ada.Client, "/api/orders", OrdersTests.Order("tok_visa", "10115"), key);
        using var second = await SendKeyedAsync(eve.Client, "/api/orders", OrdersTests.Order("tok_visa", "20095"), key);
        var adaOrder = (await first.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var eveOrder = await second.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.False(second.Headers.Contains("Idempotent-Replayed"));
        Assert.NotEqual(adaOrder, eveOrder.GetProperty("id").GetGuid());
        Assert.Equal(eve.Id, eveOrder.GetProperty("customerId").GetGuid());
    }

    [Fact]
    public async Task SignIn_WrongPasswordOrForgedToken_Is401()
    {
        await using var shop = await RunningShop.StartAsync();
        using var ada = await shop.NewCustomerAsync();

        using var wrong = await shop.Client.PostAsJsonAsync("/api/users/sign-in", new { email = ada.Email, password = "not the password" }, Ct);
        using var unknown = await shop.Client.PostAsJsonAsync("/api/users/sign-in", new { email = "nobody@example.com", password = "not the password" }, Ct);
        using var forged = new HttpClient { BaseAddress = shop.Client.BaseAddress };
        // Ada's token with its payload swapped for another subject: the signature no longer matches.
        var parts = ada.Token.Split('.');
        var payload = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new { sub = Guid.NewGuid(), iss = "bulwark-shop", aud = "bulwark-shop", exp = 4102444800 }))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        forged.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", $"{parts[0]}.{payload}.{parts[2]}");
        using var me = await forged.GetAsync("/api/users/me", Ct);
        using var mine = await ada.Client.GetAsync("/api/users/me", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(await wrong.Content.ReadFromJsonAsync<JsonElement>(Ct) is var w ? w.GetProperty("detail").GetString() : null,
            (await unknown.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
    }

    [Theory]
    [InlineData("Ada\u0000", "displayName")]
    [InlineData("Ada\u0007", "displayName")]
    [InlineData("Ada \u202Egnp.exe", "displayName")]
    public async Task SignUp_HiddenCharacters_422NamingTheField(string displayName, string field)
    {
        await using var shop = (await RunningShop.StartAsync()).AsPartner();

        using var response = await shop.Client.PostAsJsonAsync("/api/users", new { email = $"{Guid.NewGuid():N}@example.com", displayName, password = ShopCustomer.Password }, Ct);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
    }

    [Fact]
    public async Task OperatorOnlyReads_StrangersAreRefused_OperatorsServed()
    {
        await using var shop = await RunningShop.StartAsync();
        using var ada = await shop.NewCustomerAsync();

        foreach (var path in new[] { "/api/analytics/events", "/api/payments/reconciliations", "/admin/dlq/depth", "/api/inventory/stock-sync/quarantine", "/api/admin/orders/summary" })
        {
            using var anonymous = await shop.Client.GetAsync(path, Ct);
            using var customer = await ada.Client.GetAsync(path, Ct);
            using var operatorCall = await shop.Admin.GetAsync(path, Ct);

            Assert.True(anonymous.StatusCode == HttpStatusCode.Unauthorized, $"GET {path} anonymous answered {(int)anonymous.StatusCode}");
            Assert.True(customer.StatusCode == HttpStatusCode.Forbidden, $"GET {path} as a customer answered {(int)customer.StatusCode}");
            Assert.True(operatorCall.StatusCode == HttpStatusCode.OK, $"GET {path} as an operator answered {(int)operatorCall.StatusCode}");
        }

        // The operator surfaces: data products (pseudonymised is still personal), the shard map and the cross-shard
        // summary, a customer's wallets and orders exported and imported for a cell move, the cache flush, and the schema's state and its
        // one-way contract step. Who may call is
        // checked before anything else, so each answers a stranger 401 and a customer 403 whatever it would do for
        // an operator.
        var someone = Guid.NewGuid();
        foreach (var (method, path) in new[]
                 {
                     (HttpMethod.Get, "/api/data-products"), (HttpMethod.Get, "/api/analytics/sales"), (HttpMethod.Get, "/api/admin/shards"),
                     (HttpMethod.Get, "/api/admin/wallets/summary"), (HttpMethod.Get, $"/api/admin/cells/customers/{someone}/wallets"),
                     (HttpMethod.Get, $"/api/admin/cells/customers/{someone}/orders"), (HttpMethod.Post, $"/api/admin/cells/customers/{someone}/orders"),
                     (HttpMethod.Delete, "/admin/catalog/cache"), (HttpMethod.Get, "/api/schema"), (HttpMethod.Post, "/api/schema/contract"),
                 })
        {
            using var anonymous = await shop.Client.SendAsync(new HttpRequestMessage(method, path), Ct);
            using var customer = await ada.Client.SendAsync(new HttpRequestMessage(method, path), Ct);
            Assert.True(anonymous.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} anonymous answered {(int)anonymous.StatusCode}");
            Assert.True(customer.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} as a customer answered {(int)customer.StatusCode}");
        }

        // A stock sync overwrites on-hand counts from the ERP: only an operator may start one.
        using var syncAnonymous = await shop.Client.PostAsync("/api/inventory/stock-sync", null, Ct);
        using var syncCustomer = await ada.Client.PostAsync("/api/inventory/stock-sync", null, Ct);
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden), (syncAnonymous.StatusCode, syncCustomer.StatusCode));

        using var meAsOperator = await shop.Admin.GetAsync("/api/users/me", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, meAsOperator.StatusCode);
    }

    [Fact]
    public async Task ListEndpoints_PageSizeOverTheCap_400_AndPagesAreBounded()
    {
        await using var provider = await StartProviderAsync();
        await using var shop = await RunningShop.StartAsync(null, null, [$"--Shop:Externals:PaymentProviderUrl={provider.BaseAddress()}", .. RunningShop.RoomyPaymentBudgets]);
        using var ada = await shop.NewCustomerAsync();
        for (var i = 0; i < 3; i++)
        {
            await PlaceAsync(ada.Client, "tok_visa");
        }

        using var tooBig = await ada.Client.GetAsync($"/api/customers/{ada.Id}/orders?pageSize=101", Ct);
        using var notifications = await ada.Client.GetAsync("/api/notifications?pageSize=1000", Ct);
        using var rewards = await ada.Client.GetAsync($"/api/rewards/{ada.Id}?page=0", Ct);
        using var reconciliations = await shop.Admin.GetAsync("/api/payments/reconciliations?pageSize=500", Ct);
        var firstTwo = await ada.Client.GetFromJsonAsync<JsonElement[]>($"/api/customers/{ada.Id}/orders?pageSize=2", Ct);
        var third = await ada.Client.GetFromJsonAsync<JsonElement[]>($"/api/customers/{ada.Id}/orders?pageSize=2&page=2", Ct);

        Assert.All([tooBig, notifications, rewards, reconciliations], r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Equal(2, firstTwo!.Length);
        Assert.Single(third!);
    }

    [Fact]
    public async Task Production_WithShippedDemoSecrets_RefusesToStartNamingTheSettings()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ShopApp.Build(
        [
            "--environment=Production",
            "--Shop:Externals:Launch=false",
            "--Shop:Admin:ApiKeys:0=demo-admin-key-change-me",
            "--Shop:Auth:SigningKey=demo-signing-key-change-me-0123456789abcdef",
            "--Bulwark:RateLimiting:ApiKeys:drill-load=internal",
            $"--Shop:Data:Path={Path.Combine(Path.GetTempPath(), "bulwark-shop-" + Guid.NewGuid().ToString("N"))}",
        ]));

        Assert.Contains("Shop:Admin:ApiKeys:0", error.Message, StringComparison.Ordinal);
        Assert.Contains("Shop:Auth:SigningKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("Bulwark:RateLimiting:ApiKeys:drill-load", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_WithoutASigningKey_RefusesToStartNamingTheSetting()
    {
        await using var app = ShopApp.Build(
        [
            "--environment=Production",
            $"--urls=http://127.0.0.1:{FreePort.Next()}",
            $"--Shop:Management:Url=http://127.0.0.1:{FreePort.Next()}",
            "--Shop:Externals:Launch=false",
            $"--Shop:Data:Path={Path.Combine(Path.GetTempPath(), "bulwark-shop-" + Guid.NewGuid().ToString("N"))}",
        ]);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync(Ct));

        Assert.Contains("Shop:Auth:SigningKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_WithATestSizedPasswordWorkFactor_RefusesToStartNamingTheSetting()
    {
        await using var app = ShopApp.Build(
        [
            "--environment=Production",
            $"--urls=http://127.0.0.1:{FreePort.Next()}",
            $"--Shop:Management:Url=http://127.0.0.1:{FreePort.Next()}",
            "--Shop:Externals:Launch=false",
            $"--Shop:Auth:SigningKey={Guid.NewGuid():N}{Guid.NewGuid():N}",
            "--Shop:Identity:PasswordHasher:IterationCount=1000",
            $"--Shop:Data:Path={Path.Combine(Path.GetTempPath(), "bulwark-shop-" + Guid.NewGuid().ToString("N"))}",
        ]);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync(Ct));

        Assert.Contains("Shop:Identity:PasswordHasher:IterationCount", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_OperatorSurfaces_AreServedOnlyOnTheManagementPort()
    {
        var management = FreePort.Next();
        var adminKey = "ops-" + Guid.NewGuid().ToString("N");
        await using var shop = await RunningShop.StartAsync(null, null,
            "--environment=Production",
            "--Shop:Identity:PasswordHasher:IterationCount=100000",
            $"--Shop:Management:Url=http://127.0.0.1:{management}",
            $"--Shop:Admin:ApiKeys:0={adminKey}",
            $"--Shop:Auth:SigningKey={Guid.NewGuid():N}{Guid.NewGuid():N}",
            $"--Bulwark:DataProducts:PseudonymKey={Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))}");
        using var ops = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{management}") };
        ops.DefaultRequestHeaders.Add("X-Api-Key", adminKey);
        using var publicOps = new HttpClient { BaseAddress = shop.Client.BaseAddress };
        publicOps.DefaultRequestHeaders.Add("X-Api-Key", adminKey);

        using var metricsPublic = await shop.Client.GetAsync("/metrics", Ct);
        using var dlqPublic = await publicOps.GetAsync("/admin/dlq/depth", Ct);
        using var metricsManagement = await ops.GetAsync("/metrics", Ct);
        using var dlqManagement = await ops.GetAsync("/admin/dlq/depth", Ct);
        using var productsOnManagement = await ops.GetAsync("/api/products/1", Ct);
        using var productsPublic = await shop.Client.GetAsync("/api/products/1", Ct);
        using var liveOnManagement = await ops.GetAsync("/health/live", Ct);
        using var demo = new HttpClient { BaseAddress = ops.BaseAddress };
        demo.DefaultRequestHeaders.Add("X-Api-Key", RunningShop.AdminKey);
        using var demoKey = await demo.GetAsync("/admin/dlq/depth", Ct);

        Assert.Equal(HttpStatusCode.NotFound, metricsPublic.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, dlqPublic.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metricsManagement.StatusCode);
        Assert.Equal(HttpStatusCode.OK, dlqManagement.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, productsOnManagement.StatusCode);
        Assert.Equal(HttpStatusCode.OK, productsPublic.StatusCode);
        Assert.Equal(HttpStatusCode.OK, liveOnManagement.StatusCode);
        // The demo key is not configured in Production: it opens nothing.
        Assert.Equal(HttpStatusCode.Forbidden, demoKey.StatusCode);
    }

    [Fact]
    public async Task ForwardedFor_FromAnUnknownCaller_IsIgnoredByTheAnonymousLimit()
    {
        await using var shop = await RunningShop.StartAsync(null, null, "--Bulwark:RateLimiting:Tiers:anonymous:PermitLimit=3");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/products/1");
            request.Headers.Add("X-Forwarded-For", $"203.0.113.{i + 1}");
            using var response = await shop.Client.SendAsync(request, Ct);
            statuses.Add(response.StatusCode);
        }

        // A spoofed address per request does not buy a fresh bucket: the caller is the socket's address.
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task ForwardedFor_FromAKnownProxy_LimitsEachRealClientApart()
    {
        await using var shop = await RunningShop.StartAsync(null, null,
            "--Bulwark:RateLimiting:Tiers:anonymous:PermitLimit=3", "--Shop:ForwardedHeaders:KnownProxies:0=127.0.0.1");

        var statuses = new List<HttpStatusCode>();
        foreach (var client in new[] { "198.51.100.7", "198.51.100.8" })
        {
            for (var i = 0; i < 4; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/products/1");
                request.Headers.Add("X-Forwarded-For", client);
                using var response = await shop.Client.SendAsync(request, Ct);
                statuses.Add(response.StatusCode);
            }
        }

        // Each real client behind the proxy has its own 3 requests; a shared bucket would have allowed 3 in all.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests,
            HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    private static async Task<(Guid Id, long TotalCents)> PlaceAsync(HttpClient client, string card)
    {
        using var response = await SendKeyedAsync(client, "/api/orders", OrdersTests.Order(card, "10115"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return (body.GetProperty("id").GetGuid(), body.GetProperty("totalCents").GetInt64());
    }

    private static async Task<string> OpenWalletAsync(HttpClient client)
    {
        using var response = await SendKeyedAsync(client, "/api/wallets", new { ownerName = "Ada Lovelace", ownerEmail = "ada@example.com" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
    }

    private static Task<HttpResponseMessage> PostChargeAsync(HttpClient client, string key, object body) =>
        SendKeyedAsync(client, "/api/payments/charges", body, key);

    private static async Task<HttpResponseMessage> SendKeyedAsync(HttpClient client, string path, object body, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString("N"));
        return await client.SendAsync(request, Ct);
    }

    private static async Task<JsonElement> WaitForEndAsync(HttpClient client, Guid orderId) =>
        await Eventually.WaitAsync(
            () => client.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}", Ct),
            o => o.GetProperty("status").GetString() != "Pending",
            $"order {orderId} ends");

    private static async Task<List<PaymentProviderApp.ChargeRecord>> ChargesAsync(WebApplication provider, string idempotencyKey)
    {
        using var control = new HttpClient { BaseAddress = provider.BaseAddress() };
        return (await control.GetFromJsonAsync<List<PaymentProviderApp.ChargeRecord>>($"/charges?idempotencyKey={Uri.EscapeDataString(idempotencyKey)}", Ct))!;
    }

    private static async Task<WebApplication> StartProviderAsync()
    {
        var app = PaymentProviderApp.Create("http://127.0.0.1:0", ["--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync(Ct);
        return app;
    }
}
