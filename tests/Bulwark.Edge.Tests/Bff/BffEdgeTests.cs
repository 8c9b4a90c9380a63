using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Bulwark.Edge.Tests.Support;
using Bulwark.Testing;

namespace Bulwark.Edge.Tests.Bff;

/// <summary>The shop's mobile and web BFFs at the edge, against the real shop process and the recommendations stand-in.</summary>
[Collection(ShopProcesses.Name)]
public sealed class BffEdgeTests(BffShop shop) : IClassFixture<BffShop>, IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await shop.RecommendationsFaultsAsync(null);

    [Fact]
    public async Task MobileHome_SignedIn_OneCallAggregatesProductsLastOrderAndRecommendations_Trimmed()
    {
        await using var edge = await shop.StartEdgeAsync(Bff());
        var (status, screen, _) = await GetAsync(edge, shop.Ann.Get("/bff/mobile/home"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(screen["degraded"]!.AsArray());
        var products = screen["products"]!.AsArray();
        Assert.Equal(10, products.Count);
        // Only what the phone shows: no descriptions, SKUs, categories or versions.
        Assert.All(products, p => Assert.Equal(["id", "name", "price"], p!.AsObject().Select(f => f.Key).Order(StringComparer.Ordinal)));
        Assert.Equal("Ann Able", screen["customer"]!["name"]!.GetValue<string>());
        Assert.Equal(shop.Ann.OrderIds[^1], screen["customer"]!["lastOrder"]!["id"]!.GetValue<string>());
        Assert.NotEmpty(screen["recommended"]!.AsArray());
    }

    [Fact]
    public async Task MobileHome_RecommendationsDownOrSlow_200WithDegradedNamingIt()
    {
        await using var edge = await shop.StartEdgeAsync(Bff(recommendationsTimeout: "00:00:00.300"));
        await shop.RecommendationsFaultsAsync(new { down = true });
        var (status, screen, _) = await GetAsync(edge, shop.Ann.Get("/bff/mobile/home"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["recommendations"], screen["degraded"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Equal(10, screen["products"]!.AsArray().Count);
        Assert.Equal("Ann Able", screen["customer"]!["name"]!.GetValue<string>());
        Assert.Null(screen["recommended"]);

        // Slow rather than down: left out at its own timeout (0.3 s), not at the edge's 5 s deadline nor after 15 s.
        await shop.RecommendationsFaultsAsync(new { latencyMs = 15_000 });
        var clock = Stopwatch.StartNew();
        (status, screen, _) = await GetAsync(edge, shop.Ann.Get("/bff/mobile/home"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["recommendations"], screen["degraded"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"answered after {clock.Elapsed}: the slow part was waited for");
    }

    [Fact]
    public async Task MobileHome_ProductsFail_503ProblemNamingThePart()
    {
        await using var edge = await shop.StartEdgeAsync(Bff(), shop: new Uri($"http://127.0.0.1:{FreePort.Refusing}"));
        using var response = await edge.Client.SendAsync(shop.Ann.Get("/bff/mobile/home"), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("products", JsonNode.Parse(text)!["part"]!.GetValue<string>());
    }

    [Fact]
    public async Task MobileHome_Anonymous_NoPersonalPart_EvenWhenNamingAnotherCustomer()
    {
        await using var edge = await shop.StartEdgeAsync(Bff());
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/bff/mobile/home?customerId={shop.Bob.Id}");
        request.Headers.Add("X-Customer-Id", shop.Bob.Id.ToString());
        var (status, screen, text) = await GetAsync(edge, request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(screen["customer"]);
        Assert.Empty(screen["degraded"]!.AsArray());
        Assert.DoesNotContain("Bob", text, StringComparison.Ordinal);
        Assert.DoesNotContain(shop.Bob.OrderIds[0], text, StringComparison.Ordinal);
        Assert.Equal(10, screen["products"]!.AsArray().Count);
    }

    [Fact]
    public async Task MobileHome_TwoCustomersAndAnonymousInParallel_EachSeesOnlyTheirOwn()
    {
        await using var edge = await shop.StartEdgeAsync(Bff());
        var customers = new[] { shop.Ann, shop.Bob, null };
        for (var round = 0; round < 3; round++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
            {
                var who = customers[i % 3];
                var (status, screen, _) = await GetAsync(edge, who?.Get("/bff/mobile/home") ?? new HttpRequestMessage(HttpMethod.Get, "/bff/mobile/home"));
                return (Who: who, Status: status, Screen: screen);
            }));

            foreach (var (who, status, screen) in answers)
            {
                Assert.Equal(HttpStatusCode.OK, status);
                if (who is null)
                {
                    Assert.Null(screen["customer"]);
                }
                else
                {
                    Assert.Equal(who.Name, screen["customer"]!["name"]!.GetValue<string>());
                    Assert.Equal(who.OrderIds[^1], screen["customer"]!["lastOrder"]!["id"]!.GetValue<string>());
                }
            }
        }
    }

    [Fact]
    public async Task RateLimit_MobileExhausted_WebStillServed()
    {
        await using var edge = await shop.StartEdgeAsync(Bff(mobileLimit: 3, webLimit: 3));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(edge, shop.Ann.Get("/bff/mobile/home"))).Status);
        }

        using (var refused = await edge.Client.SendAsync(shop.Ann.Get("/bff/mobile/home"), Ct))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(edge, shop.Ann.Get("/bff/web/home"))).Status);
        }
    }

    [Fact]
    public async Task Payload_MobileSmallerThanWeb_ForTheSameCustomer()
    {
        await using var edge = await shop.StartEdgeAsync(Bff());
        var (mobileStatus, mobile, mobileText) = await GetAsync(edge, shop.Ann.Get("/bff/mobile/home"));
        var (webStatus, web, webText) = await GetAsync(edge, shop.Ann.Get("/bff/web/home"));
        Assert.Equal(HttpStatusCode.OK, mobileStatus);
        Assert.Equal(HttpStatusCode.OK, webStatus);
        Assert.Empty(mobile["degraded"]!.AsArray());
        Assert.Empty(web["degraded"]!.AsArray());
        // The web screen is the fuller one: its profile and orders are there too.
        Assert.Equal(2, web["customer"]!["recentOrders"]!.AsArray().Count);
        var mobileBytes = System.Text.Encoding.UTF8.GetByteCount(mobileText);
        var webBytes = System.Text.Encoding.UTF8.GetByteCount(webText);
        TestContext.Current.TestOutputHelper?.WriteLine($"mobile {mobileBytes} B, web {webBytes} B ({(double)mobileBytes / webBytes:P0})");
        Assert.True(mobileBytes * 4 < webBytes, $"mobile {mobileBytes} B is not under a quarter of web {webBytes} B");
    }

    private static async Task<(HttpStatusCode Status, JsonNode Screen, string Text)> GetAsync(EdgeUnderTest edge, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await edge.Client.SendAsync(request, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.TooManyRequests, $"{request.RequestUri}: {(int)response.StatusCode} {text}");
            return (response.StatusCode, JsonNode.Parse(text)!, text);
        }
    }

    private static JsonObject Bff(int mobileLimit = 10_000, int webLimit = 10_000, string recommendationsTimeout = "00:00:01") => new()
    {
        ["mobile"] = new JsonObject
        {
            ["RateLimit"] = new JsonObject { ["PermitLimit"] = mobileLimit, ["Window"] = "00:10:00" },
            // Generous for the shop on a loaded two-core machine; the recommendations timeout is what a test varies.
            ["PartTimeout"] = "00:00:10",
            ["Parts"] = new JsonObject { ["recommendations"] = new JsonObject { ["Timeout"] = recommendationsTimeout } },
        },
        ["web"] = new JsonObject
        {
            ["RateLimit"] = new JsonObject { ["PermitLimit"] = webLimit, ["Window"] = "00:10:00" },
            ["PartTimeout"] = "00:00:10",
        },
    };
}
