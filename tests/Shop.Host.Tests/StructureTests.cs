using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Shop.Externals.Acquirer;
using Shop.Externals.Hosting;
using Shop.Externals.LegacyErp;
using Shop.Reviews.Host;

namespace Shop.Host.Tests;

/// <summary>
/// Issue 14 through the real shop on Kestrel: the payment vendor switched by configuration (Vendor Lock-in), the
/// legacy ERP's stock through Inventory's anti-corruption layer with quarantine on the operator endpoint and in
/// /metrics, and Reviews served from its own process (Codex 31).
/// </summary>
public sealed class StructureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Charge_ProviderSetToAcquirer_TheAcquirerTakesTheMoneyOnce()
    {
        await using var acquirer = await StartAsync(AcquirerApp.Create("http://127.0.0.1:0", Quiet, "shop-key"), "acquirer");
        await using var shop = await RunningShop.StartAsync(null, null,
        [
            "--Shop:Payments:Provider=Acquirer", $"--Shop:Payments:Acquirer:Url={acquirer.BaseAddress()}", "--Shop:Payments:Acquirer:ApiKey=shop-key",
            .. RunningShop.RoomyPaymentBudgets,
        ]);

        using var first = await shop.ChargeAsync(new { reference = "order-1", amountCents = 1999, currency = "EUR", cardToken = "tok_visa" }, "key-1");
        using var declined = await shop.ChargeAsync(new { reference = "order-2", amountCents = 500, currency = "EUR", cardToken = AcquirerApp.RefusedCard }, "key-2");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.PaymentRequired, declined.StatusCode);
        using var ledger = new HttpClient { BaseAddress = acquirer.BaseAddress() };
        ledger.DefaultRequestHeaders.Add("X-Api-Key", "shop-key");
        var payments = (await ledger.GetFromJsonAsync<List<AcquirerApp.Payment>>("/v1/payments", Ct))!;
        var captured = Assert.Single(payments, p => p.Status == "CAPTURED");
        Assert.Equal((19.99m, "EUR", "order-1"), (captured.Amount.Value, captured.Amount.Currency, captured.MerchantReference));
    }

    [Fact]
    public async Task StockSync_ErpExportWithABadRow_OperatorSeesItQuarantinedAndCounted()
    {
        await using var erp = await StartAsync(LegacyErpApp.Create("http://127.0.0.1:0", Quiet), "legacy-erp");
        using var control = new HttpClient { BaseAddress = erp.BaseAddress() };
        (await control.PutAsJsonAsync("/_control/erp/materials/5", new { packs = 3 }, Ct)).EnsureSuccessStatusCode();
        (await control.PutAsJsonAsync("/_control/erp/garble", new { every = 30 }, Ct)).EnsureSuccessStatusCode();
        await using var shop = await RunningShop.StartAsync(null, null, [$"--Shop:Inventory:LegacyErp:Url={erp.BaseAddress()}"]);

        using var sync = await shop.Admin.PostAsync("/api/inventory/stock-sync", null, Ct);
        var report = await sync.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var quarantine = await shop.Admin.GetFromJsonAsync<JsonElement>("/api/inventory/stock-sync/quarantine", Ct);
        var stock = await shop.Client.GetFromJsonAsync<JsonElement>("/api/inventory/5", Ct);
        using var anonymous = await shop.Client.GetAsync("/api/inventory/stock-sync/quarantine", Ct);
        var scrape = await PrometheusScrape.FetchAsync(shop.Client, Ct);

        Assert.Equal(HttpStatusCode.OK, sync.StatusCode);
        Assert.Equal((58, 2), (report.GetProperty("applied").GetInt32(), report.GetProperty("quarantined").GetInt32()));
        Assert.Equal(2, quarantine.GetProperty("total").GetInt64());
        // Material 5 is kept in packs of 6 by the ERP: 3 packs are 18 units.
        Assert.Equal(18, stock.GetProperty("onHand").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(2, scrape.Max("shop_inventory_stock_sync_quarantined_rows_total"));
    }

    [Fact]
    public async Task Reviews_ModeRemote_TheShopAnswersFromTheReviewsServiceAndKeepsNoReviewsTables()
    {
        var serviceData = Path.Combine(Path.GetTempPath(), "bulwark-reviews-service-" + Guid.NewGuid().ToString("N"));
        await using var service = await StartAsync(ReviewsServiceApp.Build(["--urls=http://127.0.0.1:0", $"--Shop:Data:Path={serviceData}", .. Quiet]), "reviews-service");
        // A roomy timeout: the call's speed is not what this tests (a cold service on a loaded CI machine took over 2 s).
        await using var shop = await RunningShop.StartAsync(null, null, ["--Shop:Reviews:Mode=Remote", $"--Shop:Reviews:Url={service.BaseAddress()}", "--Shop:Reviews:Timeout=00:00:30"]);
        using var direct = new HttpClient { BaseAddress = service.BaseAddress() };

        var fromService = await direct.GetStringAsync("/api/reviews/3", Ct);
        var viaShop = await shop.Client.GetStringAsync("/api/reviews/3", Ct);

        Assert.Equal(fromService, viaShop);
        Assert.Contains("\"count\":3", viaShop, StringComparison.Ordinal);
        // The shop's own database, whichever it runs on (SHOP_TEST_DATA=postgres), holds no reviews table.
        Assert.Equal(0L, await shop.CountTablesAsync("reviews"));
    }

    [Fact]
    public async Task Reviews_ModeRemote_ServiceTooSlow_AnswersA503ProblemAndThePageDegrades()
    {
        // A service that takes connections and never answers: the shop's own timeout decides.
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)silent.LocalEndpoint).Port}";
        await using var shop = await RunningShop.StartAsync(null, null, ["--Shop:Reviews:Mode=Remote", $"--Shop:Reviews:Url={url}", "--Shop:Reviews:Timeout=00:00:00.300"]);

        using var reviews = await shop.Client.GetAsync(new Uri("/api/reviews/3", UriKind.Relative), Ct);
        var problem = await reviews.Content.ReadAsStringAsync(Ct);
        using var page = await shop.Client.GetAsync(new Uri("/api/products/3/page", UriKind.Relative), Ct);
        var pageBody = await page.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, reviews.StatusCode);
        Assert.Equal("application/problem+json", reviews.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Shop:Reviews:Timeout", problem, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var pageJson = JsonDocument.Parse(pageBody);
        Assert.Contains("reviews", pageJson.RootElement.GetProperty("degraded").EnumerateArray().Select(p => p.GetString()));
    }

    private static readonly string[] Quiet = ["--Logging:LogLevel:Default=Warning", .. HostLogFile.ConsoleOff];

    private static async Task<WebApplication> StartAsync(WebApplication app, string name)
    {
        HostLogFile.LogToFile(app, name);
        await app.StartAsync(Ct);
        return app;
    }
}
