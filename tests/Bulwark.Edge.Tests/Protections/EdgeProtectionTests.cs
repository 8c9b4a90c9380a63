using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Bulwark.Edge.Tests.Support;

namespace Bulwark.Edge.Tests.Protections;

/// <summary>The edge's protections on real Kestrel: the deadline fixed and carried inward, per-client rate limits, forwarded headers.</summary>
public sealed class EdgeProtectionTests : IAsyncLifetime
{
    private VersionedBackend _shop = null!;

    public async ValueTask InitializeAsync() => _shop = await VersionedBackend.StartAsync("blue");

    public async ValueTask DisposeAsync() => await _shop.DisposeAsync();

    [Fact]
    public async Task Deadline_NoneSent_EdgeStampsItsDefaultBudget()
    {
        await using var edge = await EdgeUnderTest.StartAsync(Config(), Bulwark(defaultBudget: "00:00:03"));
        var before = DateTimeOffset.UtcNow;
        var seen = await ForwardedAsync(edge, _ => { });
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(seen["deadline"]!.GetValue<string>(), CultureInfo.InvariantCulture));
        Assert.InRange(deadline, before.AddSeconds(2), DateTimeOffset.UtcNow.AddSeconds(3.1));
    }

    [Fact]
    public async Task Deadline_ClientSent_IsCarriedInward_AndCappedAtTheMaximum()
    {
        await using var edge = await EdgeUnderTest.StartAsync(Config(), Bulwark(defaultBudget: "00:00:03", maxBudget: "00:00:10"));
        var soon = DateTimeOffset.UtcNow.AddSeconds(2).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        Assert.Equal(soon, (await ForwardedAsync(edge, r => r.Headers.Add("X-Deadline", soon)))["deadline"]!.GetValue<string>());

        var late = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var capped = long.Parse((await ForwardedAsync(edge, r => r.Headers.Add("X-Deadline", late)))["deadline"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Assert.True(capped <= DateTimeOffset.UtcNow.AddSeconds(10.1).ToUnixTimeMilliseconds(), "a client cannot buy a budget beyond the edge's maximum");
    }

    [Fact]
    public async Task Deadline_AlreadyPassed_504Problem_ShopNeverCalled()
    {
        await using var edge = await EdgeUnderTest.StartAsync(Config());
        var before = _shop.Requests;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/products/1");
        request.Headers.Add("X-Deadline", DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        using var response = await edge.Client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, _shop.Requests);
    }

    [Fact]
    public async Task Deadline_PassesWhileTheShopIsSlow_504ProblemAtTheDeadline()
    {
        _shop.Latency = TimeSpan.FromSeconds(10);
        await using var edge = await EdgeUnderTest.StartAsync(Config());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/products/1");
        request.Headers.Add("X-Deadline", DateTimeOffset.UtcNow.AddMilliseconds(400).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var response = await edge.Client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("deadline", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.OrdinalIgnoreCase);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"answered after {clock.Elapsed}, not at the deadline");
    }

    [Fact]
    public async Task RateLimit_PerClientAddress_429BeforeTheShop_OtherClientsUnaffected()
    {
        await using var edge = await EdgeUnderTest.StartAsync(Config(), new JsonObject
        {
            ["RateLimiting"] = new JsonObject { ["Tiers"] = new JsonObject { ["anonymous"] = new JsonObject { ["PermitLimit"] = 5, ["Window"] = "00:01:00" } } },
        });
        var before = _shop.Requests;
        using var first = From(IPAddress.Loopback, edge.BaseAddress);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await first.GetAsync(new Uri("/api/products/1", UriKind.Relative), TestContext.Current.CancellationToken);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(before + 5, _shop.Requests);

        // Another client address has its own bucket; the operator endpoints are not counted against anyone.
        using var second = From(IPAddress.Parse("127.0.0.2"), edge.BaseAddress);
        using (var other = await second.GetAsync(new Uri("/api/products/1", UriKind.Relative), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }

        Assert.NotNull(await edge.GetJsonAsync("/edge/release"));
    }

    [Fact]
    public async Task ForwardedHeaders_SetByTheEdge_ClientClaimsReplaced()
    {
        await using var edge = await EdgeUnderTest.StartAsync(Config());
        var seen = await ForwardedAsync(edge, r =>
        {
            r.Headers.Add("X-Forwarded-For", "203.0.113.9");
            r.Headers.Add("X-Forwarded-Host", "evil.example");
        });
        Assert.Equal("127.0.0.1", seen["forwardedFor"]!.GetValue<string>());
        Assert.Equal("http", seen["forwardedProto"]!.GetValue<string>());
        Assert.Equal(edge.BaseAddress.Authority, seen["forwardedHost"]!.GetValue<string>());
    }

    private static async Task<JsonNode> ForwardedAsync(EdgeUnderTest edge, Action<HttpRequestMessage> change)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/products/1");
        change(request);
        using var response = await edge.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!;
    }

    // A client whose connections come from the given loopback address (127.0.0.0/8 is all loopback on Linux).
    private static HttpClient From(IPAddress source, Uri edge) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = edge };

    private JsonObject Config() => new()
    {
        ["Release"] = new JsonObject { ["Slots"] = new JsonObject { ["blue"] = _shop.BaseAddress.ToString() }, ["Live"] = "blue" },
    };

    private static JsonObject Bulwark(string defaultBudget = "00:00:05", string maxBudget = "00:01:00") => new()
    {
        ["RateLimiting"] = new JsonObject { ["Tiers"] = new JsonObject { ["anonymous"] = new JsonObject { ["PermitLimit"] = 100_000_000 } } },
        ["Deadlines"] = new JsonObject { ["DefaultBudget"] = defaultBudget, ["MaxBudget"] = maxBudget },
    };
}
