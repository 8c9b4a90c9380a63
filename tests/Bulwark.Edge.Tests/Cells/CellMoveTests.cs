using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bulwark.Edge.Tests.Support;
using Bulwark.Testing;
using Microsoft.Extensions.Options;
using Shop.Externals.Hosting;
using Shop.Externals.PaymentProvider;
using Shop.Infrastructure.Auth;

namespace Bulwark.Edge.Tests.Cells;

/// <summary>
/// Moving a customer between two real shop cells through the edge (fence, drain, copy, flip) while the customer keeps
/// depositing into their wallet: no deposit that was answered 200 is lost, in three moves back and forth.
/// </summary>
[Collection(ShopProcesses.Name)]
public sealed class CellMoveTests
{
    private const string AdminKey = "demo-admin-key-change-me";

    [Fact]
    public async Task Move_UnderConcurrentDeposits_LosesNoWalletEvent_ThreeRounds()
    {
        await using var a = await ShopHostProcess.StartAsync();
        await using var b = await ShopHostProcess.StartAsync();
        await a.WarmUpAsync();
        await b.WarmUpAsync();
        var config = CellRouterEdgeTests.Config(a.BaseAddress, b.BaseAddress);
        config["Cells"]!["Move"] = new JsonObject { ["ShopAdminKey"] = AdminKey, ["RetryAfter"] = "00:00:01" };
        await using var edge = await EdgeUnderTest.StartAsync(config);

        var customer = Guid.NewGuid();
        using var client = CustomerClient(edge.BaseAddress, customer);
        using var open = await SendAsync(client, HttpMethod.Post, "/api/wallets", new { ownerName = "Ada Lovelace", ownerEmail = "ada@example.com" });
        Assert.Equal(HttpStatusCode.Created, open.StatusCode);
        var wallet = (await open.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["id"]!.GetValue<string>();
        var home = open.Headers.GetValues("X-Cell").Single();

        long deposited = 0, deposits = 0, fenced = 0;
        for (var round = 1; round <= 3; round++)
        {
            var to = home == "cell-a" ? "cell-b" : "cell-a";
            using var stop = new CancellationTokenSource();
            var before = Interlocked.Read(ref deposits);
            var depositors = Enumerable.Range(0, 3).Select(worker => Task.Run(async () =>
            {
                for (var n = 1; !stop.IsCancellationRequested; n++)
                {
                    var amount = (worker * 1_000) + n;
                    var key = Guid.NewGuid().ToString("N");
                    while (true)
                    {
                        using var response = await SendAsync(client, HttpMethod.Post, $"/api/wallets/{wallet}/deposits", new { amountCents = amount }, key);
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            Interlocked.Add(ref deposited, amount);
                            Interlocked.Increment(ref deposits);
                            break;
                        }

                        if (response.StatusCode == HttpStatusCode.GatewayTimeout)
                        {
                            // The shared machine was too slow for the deadline: the same key again, so the cell applies it once.
                            continue;
                        }

                        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                        {
                            // Fenced by the move: nothing was written, the same key goes again.
                            Assert.NotNull(response.Headers.RetryAfter);
                            Interlocked.Increment(ref fenced);
                            await Task.Yield();
                            continue;
                        }

                        // Another depositor changed the wallet first: nothing was written; a new key for a new attempt.
                        Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"{(int)response.StatusCode} from {response.Headers.GetValues("X-Cell").FirstOrDefault()}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
                        break;
                    }
                }
            }, CancellationToken.None)).ToList();

            await Eventually.WaitAsync(() => Task.FromResult(Interlocked.Read(ref deposits)), d => d >= before + 15 || depositors.Any(t => t.IsFaulted), "15 deposits before the move", seconds: 60);
            using var move = await edge.SendOperatorAsync(HttpMethod.Post, "/edge/cells/move", new { customer = customer.ToString(), to });
            var report = await move.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(move.StatusCode == HttpStatusCode.OK, report);
            var afterMove = Interlocked.Read(ref deposits);
            await Eventually.WaitAsync(() => Task.FromResult(Interlocked.Read(ref deposits)), d => d >= afterMove + 15 || depositors.Any(t => t.IsFaulted), "15 deposits after the move", seconds: 60);
            await stop.CancelAsync();
            await Task.WhenAll(depositors);

            // Read through the edge: the new cell serves the wallet, with every answered deposit in it.
            using var read = await SendAsync(client, HttpMethod.Get, $"/api/wallets/{wallet}", null);
            Assert.Equal(to, read.Headers.GetValues("X-Cell").Single());
            var view = (await read.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;
            Assert.Equal(deposited, view["balanceCents"]!.GetValue<long>());
            Assert.Equal(1 + deposits, view["version"]!.GetValue<long>());
            Assert.Equal("Ada Lovelace", view["ownerName"]!.GetValue<string>());
            home = to;
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{deposits} deposits, {fenced} writes fenced during 3 moves");
    }

    [Fact]
    public async Task Move_CarriesTheCustomersSettledOrders_AndMovingBackFindsThemPresent()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var provider = PaymentProviderApp.Create("http://127.0.0.1:0", ["--Logging:LogLevel:Default=Warning"]);
        await provider.StartAsync(ct);
        await using var a = await ShopHostProcess.StartAsync(provider.BaseAddress());
        await using var b = await ShopHostProcess.StartAsync(provider.BaseAddress());
        var config = CellRouterEdgeTests.Config(a.BaseAddress, b.BaseAddress);
        config["Cells"]!["Move"] = new JsonObject { ["ShopAdminKey"] = AdminKey, ["Parts"] = new JsonArray("wallets", "orders") };
        await using var edge = await EdgeUnderTest.StartAsync(config);
        var customer = Guid.NewGuid();
        using var client = CustomerClient(edge.BaseAddress, customer);

        using var place = await SendAsync(client, HttpMethod.Post, "/api/orders", new { items = new[] { new { productId = 1, quantity = 2 } }, cardToken = "tok_visa", shippingPostcode = "10115" });
        Assert.Equal(HttpStatusCode.Accepted, place.StatusCode);
        var order = (await place.Content.ReadFromJsonAsync<JsonObject>(ct))!["id"]!.GetValue<string>();
        var home = place.Headers.GetValues("X-Cell").Single();
        await Eventually.WaitAsync(() => OrderStatusAsync(client, order), s => s.Status == "Confirmed", "the order to be confirmed in its first cell", seconds: 60);

        foreach (var (to, imported) in new[] { (home == "cell-a" ? "cell-b" : "cell-a", 1), (home, 0) })
        {
            using var move = await edge.SendOperatorAsync(HttpMethod.Post, "/edge/cells/move", new { customer = customer.ToString(), to });
            var report = await move.Content.ReadAsStringAsync(ct);
            Assert.True(move.StatusCode == HttpStatusCode.OK, report);
            // Moved there: the new cell imports it once; moved back, the old cell still has it and imports nothing.
            var orders = JsonNode.Parse(report)!["imported"]!["orders"]!;
            Assert.Equal((1, imported), (orders["orders"]!.GetValue<int>(), orders["imported"]!.GetValue<int>()));

            var (status, cell) = await OrderStatusAsync(client, order);
            Assert.Equal(("Confirmed", to), (status, cell));
            // The history read model of the cell it is in now holds it, from the copied events.
            await Eventually.WaitAsync(
                async () => await (await SendAsync(client, HttpMethod.Get, $"/api/customers/{customer}/orders", null)).Content.ReadAsStringAsync(ct),
                h => h.Contains(order, StringComparison.Ordinal),
                $"the order in {to}'s history");
        }
    }

    private static async Task<(string? Status, string Cell)> OrderStatusAsync(HttpClient client, string order)
    {
        using var response = await SendAsync(client, HttpMethod.Get, $"/api/orders/{order}", null);
        var cell = response.Headers.GetValues("X-Cell").Single();
        return response.StatusCode == HttpStatusCode.OK
            ? ((await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["status"]!.GetValue<string>(), cell)
            : (null, cell);
    }

    private static HttpClient CustomerClient(Uri edge, Guid customer)
    {
        var tokens = new CustomerTokens(Options.Create(new ShopAuthOptions { SigningKey = "demo-signing-key-change-me-0123456789abcdef" }), TimeProvider.System);
        var client = new HttpClient { BaseAddress = edge, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Issue(customer).Token);
        // The Development internal tier at the shop: the test's writes are not an anonymous address's 60 a minute.
        client.DefaultRequestHeaders.Add("X-Api-Key", "drill-load");
        return client;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, object? body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        // A budget the two-core machine's slowest moments fit in (the edge caps a client's deadline at a minute).
        request.Headers.Add("X-Deadline", TimeProvider.System.GetUtcNow().AddSeconds(30).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
            request.Headers.Add("Idempotency-Key", idempotencyKey ?? Guid.NewGuid().ToString("N"));
        }

        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
