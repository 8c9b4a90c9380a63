using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.DataProducts;
using Bulwark.EventSourcing;
using Bulwark.Testing;
using Microsoft.Extensions.DependencyInjection;
using Shop.Externals.Hosting;
using Shop.Externals.PaymentProvider;
using Shop.Infrastructure.DataProducts;

namespace Shop.Host.Tests;

/// <summary>
/// Issue 14, item 5 (Codex 33) on the real shop over loopback: orders, catalogue and payments each publish a data product
/// built from their own events, the catalogue endpoint lists them for operators, a version downloads as Parquet, a
/// forgotten customer is absent from the next version, and Analytics' sales summary is computed from the products.
/// </summary>
public sealed class DataProductsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Products_BuiltFromTheModulesEvents_AreListedDownloadableAndForgetACustomerInTheNextVersion()
    {
        await using var provider = HostLogFile.LogToFile(PaymentProviderApp.Create("http://127.0.0.1:0", ["--Logging:LogLevel:Default=Warning", .. HostLogFile.ConsoleOff]), "payments");
        await provider.StartAsync(Ct);
        await using var shop = await RunningShop.StartAsync(null, null, [$"--Shop:Externals:PaymentProviderUrl={provider.BaseAddress()}", .. RunningShop.RoomyPaymentBudgets]);
        using var ada = await shop.NewCustomerAsync();
        using var bob = await shop.NewCustomerAsync();
        var adaOrder = await PlaceConfirmedAsync(ada.Client);
        var bobOrder = await PlaceConfirmedAsync(bob.Client);

        var before = await BuildAsync(shop, "orders");
        using (var forgotten = await shop.Admin.DeleteAsync($"/api/users/{ada.Id}/personal-data", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, forgotten.StatusCode);
        }

        Assert.True(await shop.Services.GetRequiredService<IForgottenSubjects>().IsForgottenAsync(ShopDataProducts.CustomerSubject(ada.Id), Ct));
        var after = await BuildAsync(shop, "orders");
        var catalogue = await BuildAsync(shop, "catalogue");
        var payments = await BuildAsync(shop, "payments");

        // Orders: both orders before, only Bob's after Ada was forgotten; the customer id is a pseudonym, not the id.
        var beforeRows = await DownloadAsync(shop, "orders", before);
        var afterRows = await DownloadAsync(shop, "orders", after);
        Assert.Equal(new[] { adaOrder, bobOrder }.Order(), beforeRows.Select(r => Guid.Parse((string)r["order_id"]!)).Order());
        var bobRow = Assert.Single(afterRows);
        Assert.Equal(bobOrder, Guid.Parse((string)bobRow["order_id"]!));
        Assert.Equal("Confirmed", bobRow["status"]);
        Assert.Equal(2L, bobRow["item_count"]);
        Assert.NotEqual(bob.Id.ToString("D"), bobRow["customer_id"]);
        Assert.Equal(64, ((string)bobRow["customer_id"]!).Length);
        Assert.Equal(bobRow["customer_id"], beforeRows.Single(r => (string)r["order_id"]! == bobOrder.ToString("D"))["customer_id"]);
        Assert.DoesNotContain(afterRows.SelectMany(r => r.Values), v => v is string s && (s.Contains(ada.Id.ToString("D"), StringComparison.Ordinal) || s.Contains(bob.Id.ToString("D"), StringComparison.Ordinal)));

        // Catalogue and payments, from their own events.
        var products = await DownloadAsync(shop, "catalogue", catalogue);
        Assert.Contains(products, p => (long)p["product_id"]! == 1);
        var charges = await DownloadAsync(shop, "payments", payments);
        Assert.Equal(new[] { adaOrder.ToString(), bobOrder.ToString() }.Order(StringComparer.Ordinal), charges.Select(c => (string)c["order_reference"]!).Order(StringComparer.Ordinal));
        Assert.All(charges, c => Assert.Equal("Charged", c["outcome"]));

        // The catalogue endpoint: owners, contract versions, versions and freshness.
        var listed = (await shop.Admin.GetFromJsonAsync<JsonElement[]>("/api/data-products", Ct))!;
        Assert.Equal(["catalogue:catalog", "orders:orders", "payments:payments"], listed.Select(p => $"{p.GetProperty("id").GetString()}:{p.GetProperty("owner").GetString()}"));
        var orders = listed.Single(p => p.GetProperty("id").GetString() == "orders");
        Assert.True(orders.GetProperty("fresh").GetBoolean());
        Assert.Equal("1.0.0", orders.GetProperty("contractVersion").GetString());
        Assert.Contains(orders.GetProperty("versions").EnumerateArray(), v => v.GetProperty("version").GetInt64() == after);
        Assert.Contains(orders.GetProperty("fields").EnumerateArray(), f => f.GetProperty("name").GetString() == "customer_id" && f.GetProperty("pseudonymised").GetBoolean());

        // Analytics reads the products: the summary counts what the latest versions hold.
        var sales = await shop.Admin.GetFromJsonAsync<JsonElement>("/api/analytics/sales", Ct);
        Assert.Equal(1, sales.GetProperty("orders").GetInt64());
        Assert.Equal(2, sales.GetProperty("paymentsCharged").GetInt64());
        Assert.Equal(products.Count, sales.GetProperty("productsListed").GetInt64());
    }

    [Fact]
    public async Task Catalogue_WithoutAnOperatorKey_IsRefusedAndAnUnknownProductIsAProblem()
    {
        await using var shop = await RunningShop.StartAsync();

        using var anonymous = await shop.Client.GetAsync("/api/data-products", Ct);
        using var customer = await (await shop.NewCustomerAsync()).Client.GetAsync("/api/data-products", Ct);
        using var unknown = await shop.Admin.GetAsync("/api/data-products/customers", Ct);
        using var noVersion = await shop.Admin.GetAsync("/api/data-products/orders/versions/999999", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, customer.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noVersion.StatusCode);
        Assert.Equal("application/problem+json", noVersion.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ForgetCustomer_OperatorOnly_ShredsTheKeyOnceAndAnUnknownIdIsAProblem()
    {
        await using var shop = await RunningShop.StartAsync();
        using var ada = await shop.NewCustomerAsync();
        var keys = shop.Services.GetRequiredService<ISubjectKeyStore>();
        var subject = ShopDataProducts.CustomerSubject(ada.Id);
        Assert.NotNull(await keys.GetOrCreateKeyAsync(subject, Ct));

        using var anonymous = await shop.Client.DeleteAsync($"/api/users/{ada.Id}/personal-data", Ct);
        using var herself = await ada.Client.DeleteAsync($"/api/users/{ada.Id}/personal-data", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, herself.StatusCode);
        Assert.NotNull(await keys.GetKeyAsync(subject, Ct));

        using var first = await shop.Admin.DeleteAsync($"/api/users/{ada.Id}/personal-data", Ct);
        using var second = await shop.Admin.DeleteAsync($"/api/users/{ada.Id}/personal-data", Ct);
        using var unknown = await shop.Admin.DeleteAsync($"/api/users/{Guid.NewGuid()}/personal-data", Ct);
        using var malformed = await shop.Admin.DeleteAsync("/api/users/not-a-customer/personal-data", Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False((await first.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("alreadyForgotten").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.True((await second.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("alreadyForgotten").GetBoolean());
        Assert.Null(await keys.GetKeyAsync(subject, Ct));
        await Assert.ThrowsAsync<SubjectForgottenException>(() => keys.GetOrCreateKeyAsync(subject, Ct));
        foreach (var missing in new[] { unknown, malformed })
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task ForgetCustomer_ErasesTheAccount_AndShredsTheirWalletKeysButNoOneElses()
    {
        await using var shop = await RunningShop.StartAsync();
        using var ada = await shop.NewCustomerAsync("Ada Lovelace");
        using var bob = await shop.NewCustomerAsync("Bob");
        var adaWallets = new[] { await OpenWalletAsync(ada.Client), await OpenWalletAsync(ada.Client) };
        var bobWallet = await OpenWalletAsync(bob.Client);

        using var forget = await shop.Admin.DeleteAsync($"/api/users/{ada.Id}/personal-data", Ct);
        Assert.Equal(HttpStatusCode.OK, forget.StatusCode);

        // The account: no e-mail, no name, no password left; the id stays (orders and ledgers name it).
        var account = await shop.Admin.GetFromJsonAsync<JsonElement>($"/api/users/{ada.Id}", Ct);
        Assert.Equal($"forgotten-{ada.Id:N}@forgotten.invalid", account.GetProperty("email").GetString());
        Assert.Equal("Forgotten customer", account.GetProperty("displayName").GetString());
        using (var signIn = await shop.Client.PostAsJsonAsync("/api/users/sign-in", new { email = ada.Email, password = ShopCustomer.Password }, Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
        }

        // Her e-mail is no longer held (a new sign-up may take it), and nobody else's account changed.
        using (var newcomer = await shop.Client.PostAsJsonAsync("/api/users", new { email = ada.Email, displayName = "Someone new", password = ShopCustomer.Password }, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, newcomer.StatusCode);
        }

        Assert.Equal("Bob", (await shop.Admin.GetFromJsonAsync<JsonElement>($"/api/users/{bob.Id}", Ct)).GetProperty("displayName").GetString());

        // Her wallets, through CustomerForgotten on the bus: each key shredded; Bob's untouched.
        foreach (var wallet in adaWallets)
        {
            await Eventually.WaitAsync(
                () => shop.Admin.GetFromJsonAsync<JsonElement>($"/api/wallets/{wallet}", Ct),
                w => w.GetProperty("personalDataShredded").GetBoolean(),
                $"Ada's wallet {wallet} to be shredded");
        }

        // Her mail, through CustomerForgotten too: the welcome mail keeps its kind but loses her address and her name;
        // Bob's keeps both.
        var adaMail = await Eventually.WaitAsync(
            () => shop.Admin.GetFromJsonAsync<JsonElement[]>($"/api/notifications?userId={ada.Id}", Ct)!,
            m => m!.Length >= 1 && m.All(n => n.GetProperty("recipient").ValueKind == JsonValueKind.Null),
            "Ada's mail to be scrubbed");
        Assert.Equal("welcome", Assert.Single(adaMail!).GetProperty("kind").GetString());
        Assert.DoesNotContain("Ada", adaMail![0].GetProperty("body").GetString(), StringComparison.Ordinal);
        var bobMail = await Eventually.WaitAsync(
            () => shop.Admin.GetFromJsonAsync<JsonElement[]>($"/api/notifications?userId={bob.Id}", Ct)!, m => m!.Length >= 1, "Bob's welcome mail");
        Assert.Equal(bob.Email, bobMail![0].GetProperty("recipient").GetString());
        Assert.Contains("Bob", bobMail[0].GetProperty("body").GetString(), StringComparison.Ordinal);

        var bobs = await shop.Admin.GetFromJsonAsync<JsonElement>($"/api/wallets/{bobWallet}", Ct);
        Assert.False(bobs.GetProperty("personalDataShredded").GetBoolean());
        Assert.Equal("Bob Builder", bobs.GetProperty("ownerName").GetString());

        // A repeat finds everything already done.
        using var again = await shop.Admin.DeleteAsync($"/api/users/{ada.Id}/personal-data", Ct);
        Assert.True((await again.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("alreadyForgotten").GetBoolean());
    }

    private static async Task<string> OpenWalletAsync(HttpClient customer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/wallets") { Content = JsonContent.Create(new { ownerName = "Bob Builder", ownerEmail = "owner@example.com" }) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await customer.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
    }

    private static async Task<long> BuildAsync(RunningShop shop, string product)
    {
        using var response = await shop.Admin.PostAsync($"/api/data-products/{product}/builds", null, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("version").GetInt64();
    }

    private static async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> DownloadAsync(RunningShop shop, string product, long version)
    {
        using var response = await shop.Admin.GetAsync($"/api/data-products/{product}/versions/{version}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(DataProductEndpoints.ParquetMediaType, response.Content.Headers.ContentType?.MediaType);
        var file = Path.Combine(shop.DataPath, $"download-{product}-{version}.parquet");
        await File.WriteAllBytesAsync(file, await response.Content.ReadAsByteArrayAsync(Ct), Ct);
        return await ParquetDataset.ReadAsync(file, Ct);
    }

    private static async Task<Guid> PlaceConfirmedAsync(HttpClient customer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(OrdersTests.Order("tok_visa", "10115")) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await customer.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var status = await Eventually.WaitAsync(
            async () => (await customer.GetFromJsonAsync<JsonElement>($"/api/orders/{id}", Ct)).GetProperty("status").GetString(),
            s => s != "Pending",
            $"order {id} to end");
        Assert.Equal("Confirmed", status);
        return id;
    }
}
