using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Bulwark.Testing;

namespace Shop.Host.Tests;

/// <summary>
/// Codex 04 on the product page: details and stock are critical, reviews and recommendations optional. With the
/// recommendations engine down, slow or failing, the page still answers 200 fast and says what is missing.
/// </summary>
public sealed class ProductPageTests
{
    // Well under the engine's injected slowness and the default 5 s request budget.
    private static readonly TimeSpan FastEnough = TimeSpan.FromSeconds(2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Page_AllHealthy_HasEveryPartAndNothingDegraded()
    {
        await using var standIns = await StandIns.StartAsync();
        await using var shop = await RunningShop.StartAsync(null, null, standIns.ShopArgs);

        var page = await ProductPages.GetWholeAsync(shop.Client, 3);

        Assert.Equal(3, page.GetProperty("product").GetProperty("id").GetInt32());
        Assert.True(page.GetProperty("stock").GetProperty("available").GetInt32() > 0);
        Assert.NotEqual(JsonValueKind.Null, page.GetProperty("reviews").ValueKind);
        Assert.NotEmpty(page.GetProperty("recommendations").EnumerateArray());
        Assert.Empty(page.GetProperty("degraded").EnumerateArray());
    }

    [Theory]
    [InlineData("down")]
    [InlineData("slow")]
    [InlineData("erroring")]
    public async Task Page_RecommendationsEngineBroken_Answers200FastWithRecommendationsDegraded(string fault)
    {
        await using var standIns = await StandIns.StartAsync();
        await using var shop = await RunningShop.StartAsync(null, null, standIns.ShopArgs);
        await StandIns.SetFaultsAsync(standIns.Recommendations, Fault(fault));

        var clock = Stopwatch.StartNew();
        var page = await GetPageAsync(shop, 4);

        Assert.True(clock.Elapsed < FastEnough, $"the page took {clock.Elapsed} with the engine {fault}");
        Assert.Equal(["recommendations"], page.GetProperty("degraded").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.Null, page.GetProperty("recommendations").ValueKind);
        Assert.Equal(4, page.GetProperty("product").GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task Page_EngineDownAfterAGoodAnswer_ServesTheLastGoodRecommendationsMarkedDegraded()
    {
        await using var standIns = await StandIns.StartAsync();
        await using var shop = await RunningShop.StartAsync(null, null, standIns.ShopArgs);
        var fresh = await ProductPages.GetWholeAsync(shop.Client, 5);
        await StandIns.SetFaultsAsync(standIns.Recommendations, new { down = true });

        var stale = await GetPageAsync(shop, 5);

        Assert.Equal(
            fresh.GetProperty("recommendations").EnumerateArray().Select(e => e.GetInt32()),
            stale.GetProperty("recommendations").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(["recommendations"], stale.GetProperty("degraded").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Page_EngineKeepsFailing_BreakerOpensAndStopsCallingIt()
    {
        await using var standIns = await StandIns.StartAsync();
        await using var shop = await RunningShop.StartAsync(null, null, standIns.ShopArgs);
        await StandIns.SetFaultsAsync(standIns.Recommendations, new { errorRate = 1.0 });

        // The ratio breaker needs its minimum throughput (10) of failures before it judges.
        for (var i = 0; i < 15; i++)
        {
            await GetPageAsync(shop, 1 + i);
        }

        var callsWhenOpen = await StandIns.RequestCountAsync(standIns.Recommendations);
        for (var i = 0; i < 10; i++)
        {
            var page = await GetPageAsync(shop, 20 + i);
            Assert.Equal(["recommendations"], page.GetProperty("degraded").EnumerateArray().Select(e => e.GetString()));
        }

        Assert.Equal(callsWhenOpen, await StandIns.RequestCountAsync(standIns.Recommendations));
    }

    // Issue 10, item 3: at 32 connections 40% of pages lost their recommendations while the engine was healthy. Every
    // page holds one engine call; a compartment smaller than the page's own concurrency with no queue refused the
    // excess outright, and those refusals then fed the breaker. An engine answering in 20 ms is healthy (its budget is
    // 300 ms), so a burst of customers must wait a moment for a slot, not lose the widget.
    [Fact]
    public async Task Page_BurstOfCustomersWithHealthyEngine_EveryPageHasItsRecommendations()
    {
        const int Customers = 32;
        await using var standIns = await StandIns.StartAsync();
        // A key of the shop's "internal" tier keeps the burst clear of the anonymous rate limit; the limit is not under test.
        // The time budgets are not under test either: on a CI machine running other suites, 32 pages at once can
        // overrun 300 ms of wall clock. A compartment that refuses the excess still fails at once, budget or not.
        await using var shop = await RunningShop.StartAsync(null, null,
        [
            .. standIns.ShopArgs, "--Bulwark:RateLimiting:ApiKeys:page-burst=internal",
            "--Bulwark:Resilience:Pipelines:recommendations:Timeout=00:00:05", "--Bulwark:Resilience:Degradation:OptionalPartTimeout=00:00:05",
        ]);
        await StandIns.SetFaultsAsync(standIns.Recommendations, new { latencyMs = 20 });
        using var customers = new HttpClient { BaseAddress = shop.Client.BaseAddress };
        customers.DefaultRequestHeaders.Add("X-Api-Key", "page-burst");
        // One page first, so the burst measures the compartment rather than the first request's JIT and connections.
        await ProductPages.GetAsync(customers, 1);

        for (var round = 1; round <= 3; round++)
        {
            var pages = await Task.WhenAll(Enumerable.Range(1, Customers).Select(i => ProductPages.GetAsync(customers, 1 + (i % 20))));

            var degraded = pages.Count(p => p.GetProperty("degraded").GetArrayLength() > 0);
            Assert.True(degraded == 0, $"round {round}: {degraded} of {Customers} pages were degraded with a healthy engine");
            Assert.All(pages, p => Assert.NotEqual(JsonValueKind.Null, p.GetProperty("recommendations").ValueKind));
        }
    }

    [Fact]
    public async Task Page_UnknownProduct_Returns404()
    {
        await using var standIns = await StandIns.StartAsync();
        await using var shop = await RunningShop.StartAsync(null, null, standIns.ShopArgs);

        using var response = await shop.Client.GetAsync("/api/products/4242/page", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static object Fault(string fault) => fault switch
    {
        "down" => new { down = true },
        "slow" => new { latencyMs = 3000 },
        _ => new { errorRate = 1.0 },
    };

    private static Task<JsonElement> GetPageAsync(RunningShop shop, int id) => ProductPages.GetAsync(shop.Client, id);
}
