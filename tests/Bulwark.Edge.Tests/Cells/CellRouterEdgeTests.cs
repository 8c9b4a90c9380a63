using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Bulwark.Edge.Tests.Support;
using Bulwark.Testing;

namespace Bulwark.Edge.Tests.Cells;

/// <summary>The cell router through the real edge to real backends (cells) over loopback.</summary>
public sealed class CellRouterEdgeTests : IAsyncLifetime
{
    private VersionedBackend _a = null!;
    private VersionedBackend _b = null!;
    private EdgeUnderTest _edge = null!;

    public async ValueTask InitializeAsync()
    {
        _a = await VersionedBackend.StartAsync("cell-a");
        _b = await VersionedBackend.StartAsync("cell-b");
        _edge = await EdgeUnderTest.StartAsync(Config(_a.BaseAddress, _b.BaseAddress));
    }

    public async ValueTask DisposeAsync()
    {
        await _edge.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    internal static JsonObject Config(Uri a, Uri b, string routing = "Cells") => new()
    {
        ["Cells"] = new JsonObject
        {
            ["Cells"] = new JsonObject
            {
                ["cell-a"] = new JsonObject { ["Url"] = a.ToString() },
                ["cell-b"] = new JsonObject { ["Url"] = b.ToString() },
            },
            ["GlobalPaths"] = new JsonArray("/api/users"),
            ["Routing"] = routing,
            ["Health"] = new JsonObject { ["ProbeInterval"] = "00:00:00.200", ["ProbeTimeout"] = "00:00:02" },
            ["Move"] = new JsonObject { ["ShopAdminKey"] = "test-admin-key-0123456789" },
        },
    };

    [Fact]
    public async Task EachCustomer_GoesToOneCell_Across1000RequestsAndAnEdgeRestart()
    {
        // cell-b takes no new customers at first: all 100 are placed in cell-a, half of them against their bucket. Only
        // the persisted table keeps those in cell-a once cell-b is open again after the restart.
        Assert.Equal(HttpStatusCode.OK, (await _edge.SendOperatorAsync(HttpMethod.Put, "/edge/cells/cell-b/mark", new { mark = "Draining" })).StatusCode);
        var seen = new ConcurrentDictionary<string, ConcurrentBag<string>>();
        await RequestsAsync(customers: 100, perCustomer: 5, seen);
        await _edge.RestartAsync();
        Assert.Equal(HttpStatusCode.OK, (await _edge.SendOperatorAsync(HttpMethod.Put, "/edge/cells/cell-b/mark", new { mark = "Open" })).StatusCode);
        await RequestsAsync(customers: 100, perCustomer: 5, seen);

        Assert.Equal(1_000, seen.Values.Sum(v => v.Count));
        Assert.All(seen, p => Assert.True(p.Value.Distinct().Count() == 1, $"{p.Key} was served by {string.Join(", ", p.Value.Distinct())}"));
        Assert.All(seen.Values, v => Assert.Equal("cell-a", v.First()));
        var one = seen.First();
        var assignment = await _edge.GetJsonAsync($"/edge/cells/customers/{one.Key}");
        Assert.Equal(one.Value.First(), assignment["cell"]!.GetValue<string>());

        // New customers now follow their buckets: about half go to cell-b.
        var newcomers = new ConcurrentDictionary<string, ConcurrentBag<string>>();
        await RequestsAsync(customers: 200, perCustomer: 1, newcomers, first: 100);
        Assert.InRange(newcomers.Values.Count(v => v.Single() == "cell-b"), 30, 70);
        var report = await _edge.GetJsonAsync("/edge/cells");
        Assert.Equal(200, report["cells"]!.AsArray().Sum(c => c!["customers"]!.GetValue<int>()));
    }

    [Fact]
    public async Task DeadCell_ItsCustomersGetAFast503Problem_TheOtherCellsCustomersAreServed()
    {
        var home = new ConcurrentDictionary<string, ConcurrentBag<string>>();
        await RequestsAsync(customers: 60, perCustomer: 1, home);
        await _b.DisposeAsync();

        var statuses = new ConcurrentDictionary<string, ConcurrentBag<(HttpStatusCode Status, TimeSpan Elapsed, string? Type)>>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 5).SelectMany(_ => Enumerable.Range(0, 60)), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken }, async (i, ct) =>
        {
            var customer = $"customer-{i}";
            var clock = Stopwatch.StartNew();
            using var response = await SendAsync(customer, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            var type = response.StatusCode == HttpStatusCode.ServiceUnavailable ? JsonNode.Parse(body)!["type"]!.GetValue<string>() : null;
            statuses.GetOrAdd(customer, _ => []).Add((response.StatusCode, clock.Elapsed, type));
        });
        // Every customer once more, after the cell's health had time to take it out.
        foreach (var customer in home.Keys)
        {
            var clock = Stopwatch.StartNew();
            using var response = await SendAsync(customer, TestContext.Current.CancellationToken);
            statuses[customer].Add((response.StatusCode, clock.Elapsed, null));
        }

        foreach (var (customer, cells) in home)
        {
            if (cells.Single() == "cell-a")
            {
                Assert.All(statuses[customer], s => Assert.Equal(HttpStatusCode.OK, s.Status));
            }
            else
            {
                Assert.All(statuses[customer], s => Assert.Equal(HttpStatusCode.ServiceUnavailable, s.Status));
                Assert.All(statuses[customer], s => Assert.True(s.Elapsed < TimeSpan.FromSeconds(2), $"{customer} waited {s.Elapsed}"));
                Assert.All(statuses[customer].Where(s => s.Type is not null), s => Assert.EndsWith("/cell-unavailable", s.Type, StringComparison.Ordinal));
            }
        }

        var report = await Eventually.WaitAsync(() => _edge.GetJsonAsync("/edge/cells"), r => r["cells"]![1]!["healthy"]!.GetValue<bool>() == false, "cell-b marked down");
        Assert.NotNull(report["cells"]![1]!["downReason"]);
    }

    [Fact]
    public async Task Operator_PinsACustomer_AndADrainingCellTakesNoNewCustomers()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _edge.Client.GetAsync(new Uri("/edge/cells", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _edge.SendOperatorAsync(HttpMethod.Put, "/edge/cells/cell-z/mark", new { mark = "Draining" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _edge.SendOperatorAsync(HttpMethod.Put, "/edge/cells/cell-a/mark", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _edge.SendOperatorAsync(HttpMethod.Put, "/edge/cells/cell-a/mark", new { mark = "Draining" })).StatusCode);

        var seen = new ConcurrentDictionary<string, ConcurrentBag<string>>();
        await RequestsAsync(customers: 40, perCustomer: 1, seen);
        Assert.All(seen.Values, v => Assert.Equal("cell-b", v.Single()));

        Assert.Equal(HttpStatusCode.OK, (await _edge.SendOperatorAsync(HttpMethod.Put, "/edge/cells/customers/customer-3", new { cell = "cell-a" })).StatusCode);
        using var pinned = await SendAsync("customer-3", TestContext.Current.CancellationToken);
        Assert.Equal("cell-a", pinned.Headers.GetValues("X-Cell").Single());
        // The draining cell still serves the customers it holds.
        using var again = await SendAsync("customer-3", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task GlobalPaths_GoToTheGlobalCell_AnonymousBrowsingToAnyServingCell()
    {
        for (var i = 0; i < 6; i++)
        {
            using var signIn = await _edge.Client.PostAsync(new Uri("/api/users/sign-in", UriKind.Relative), null, TestContext.Current.CancellationToken);
            Assert.Equal("cell-a", signIn.Headers.GetValues("X-Cell").Single());
        }

        var anonymous = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await _edge.Client.GetAsync(new Uri("/api/products/1", UriKind.Relative), TestContext.Current.CancellationToken);
            anonymous.Add(response.Headers.GetValues("X-Cell").Single());
        }

        Assert.Equal(["cell-a", "cell-b"], anonymous.Distinct().Order());
        var report = await _edge.GetJsonAsync("/edge/cells");
        Assert.Equal(0, report["cells"]!.AsArray().Sum(c => c!["customers"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Move_FlipsTheCustomerAfterTheCopy_AndAFailedCopyLeavesThemWhereTheyWere()
    {
        var seen = new ConcurrentDictionary<string, ConcurrentBag<string>>();
        await RequestsAsync(customers: 20, perCustomer: 1, seen);
        var (customer, cells) = seen.First(p => p.Value.Single() == "cell-a");

        using var moved = await _edge.SendOperatorAsync(HttpMethod.Post, "/edge/cells/move", new { customer, to = "cell-b" });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        // The stand-in cells answer every path: the export (GET) and the import (POST) each reached their cell once.
        using var after = await SendAsync(customer, TestContext.Current.CancellationToken);
        Assert.Equal("cell-b", after.Headers.GetValues("X-Cell").Single());
        Assert.Equal(HttpStatusCode.Conflict, (await _edge.SendOperatorAsync(HttpMethod.Post, "/edge/cells/move", new { customer, to = "cell-b" })).StatusCode);

        _a.FailEvery = 1;
        var other = seen.Keys.First(k => k != customer && seen[k].Single() == "cell-b");
        using var failed = await _edge.SendOperatorAsync(HttpMethod.Post, "/edge/cells/move", new { customer = other, to = "cell-a" });
        Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        _a.FailEvery = 0;
        using var stayed = await SendAsync(other, TestContext.Current.CancellationToken);
        Assert.Equal("cell-b", stayed.Headers.GetValues("X-Cell").Single());
    }

    private async Task RequestsAsync(int customers, int perCustomer, ConcurrentDictionary<string, ConcurrentBag<string>> seen, int first = 0)
    {
        var work = Enumerable.Range(0, perCustomer).SelectMany(_ => Enumerable.Range(first, customers - first));
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken }, async (i, ct) =>
        {
            var customer = $"customer-{i}";
            using var response = await SendAsync(customer, ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
            var served = body["slot"]!.GetValue<string>();
            Assert.Equal(served, response.Headers.GetValues("X-Cell").Single());
            seen.GetOrAdd(customer, _ => []).Add(served);
        });
    }

    private Task<HttpResponseMessage> SendAsync(string customer, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/orders", UriKind.Relative));
        request.Headers.Add("X-Customer-Id", customer);
        return _edge.Client.SendAsync(request, cancellationToken);
    }
}
