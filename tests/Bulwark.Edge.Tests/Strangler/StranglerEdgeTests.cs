using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bulwark.Edge.Tests.Support;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Shop.Externals.Hosting;
using Shop.Externals.LegacyShop;

namespace Bulwark.Edge.Tests.Strangler;

/// <summary>Strangler-fig routing through the real edge to the legacy stand-in and a new side, over loopback.</summary>
public sealed class StranglerEdgeTests : IAsyncLifetime
{
    private WebApplication _legacy = null!;
    private VersionedBackend _new = null!;
    private EdgeUnderTest _edge = null!;

    public async ValueTask InitializeAsync()
    {
        _legacy = LegacyShopApp.Create("http://127.0.0.1:0");
        await _legacy.StartAsync(TestContext.Current.CancellationToken);
        _new = await VersionedBackend.StartAsync("new");
        _edge = await EdgeUnderTest.StartAsync(Config("Legacy"));
    }

    public async ValueTask DisposeAsync()
    {
        await _edge.DisposeAsync();
        await _new.DisposeAsync();
        await _legacy.StopAsync(CancellationToken.None);
        await _legacy.DisposeAsync();
    }

    [Fact]
    public async Task Flip_UnderLoad_LosesNoRequest_AndEachSideServesItsOwnPath()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        long legacy = 0, @new = 0, failed = 0;
        var load = Enumerable.Range(0, 8).Select(async _ =>
        {
            using var client = new HttpClient { BaseAddress = _edge.BaseAddress };
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await client.GetAsync(new Uri("/legacy/catalog/item/3", UriKind.Relative), CancellationToken.None);
                    var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref failed);
                    }
                    else if (body.Contains("\"price_cents\"", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref legacy);
                    }
                    else
                    {
                        // The new side got the rewritten path, not the legacy one.
                        Assert.Contains("\"path\":\"/api/products/3\"", body, StringComparison.Ordinal);
                        Interlocked.Increment(ref @new);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }).ToList();

        for (var round = 0; round < 10; round++)
        {
            await Task.Delay(40, TestContext.Current.CancellationToken);
            using var flip = await _edge.SendOperatorAsync(HttpMethod.Put, "/edge/strangler/catalog-item/target", new { target = round % 2 == 0 ? "new" : "legacy" });
            Assert.Equal(HttpStatusCode.OK, flip.StatusCode);
        }

        await Task.Delay(40, TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(load);
        Assert.Equal(0, failed);
        Assert.True(legacy > 0 && @new > 0, $"legacy {legacy}, new {@new}");
        var status = await RouteStatusAsync();
        Assert.Equal(legacy, status["legacy"]!["hits"]!.GetValue<long>());
        Assert.Equal(@new, status["new"]!["hits"]!.GetValue<long>());
    }

    [Fact]
    public async Task ConfigurationReload_FlipsAndFlipsBack_WithoutRestart()
    {
        Assert.Contains("price_cents", await GetItemAsync(), StringComparison.Ordinal);
        await _edge.WriteConfigAsync(Config("New"));
        await Eventually.WaitAsync(GetItemAsync, b => b.Contains("\"slot\":\"new\"", StringComparison.Ordinal), "the flip to new");
        await _edge.WriteConfigAsync(Config("Legacy"));
        await Eventually.WaitAsync(GetItemAsync, b => b.Contains("price_cents", StringComparison.Ordinal), "the flip back to legacy");
    }

    [Fact]
    public async Task Flip_UnknownRouteOrTarget_AnswersProblems()
    {
        using var unknown = await _edge.SendOperatorAsync(HttpMethod.Put, "/edge/strangler/nope/target", new { target = "new" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var missing = await _edge.SendOperatorAsync(HttpMethod.Put, "/edge/strangler/catalog-item/target", new { });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        using var anonymous = await _edge.Client.PutAsJsonAsync("/edge/strangler/catalog-item/target", new { target = "new" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task LegacyRoute_RecordsLastHitAndCount()
    {
        await GetItemAsync();
        await GetItemAsync();
        var status = await RouteStatusAsync();
        Assert.Equal(2, status["legacy"]!["hits"]!.GetValue<long>());
        Assert.NotNull(status["legacy"]!["lastHit"]);
        Assert.Equal("Serving", status["zombie"]!["state"]!.GetValue<string>());
    }

    private async Task<string> GetItemAsync()
    {
        using var response = await _edge.Client.GetAsync(new Uri("/legacy/catalog/item/3", UriKind.Relative), TestContext.Current.CancellationToken);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    private async Task<JsonNode> RouteStatusAsync() =>
        (await _edge.GetJsonAsync("/edge/strangler"))["routes"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "catalog-item")!;

    private JsonObject Config(string target) => new()
    {
        ["Backends"] = new JsonObject { ["legacy"] = _legacy.BaseAddress().ToString(), ["shop"] = _new.BaseAddress.ToString() },
        ["Strangler"] = new JsonObject
        {
            ["Routes"] = new JsonObject
            {
                ["catalog-item"] = new JsonObject
                {
                    ["Path"] = "/legacy/catalog/item/{id}",
                    ["Target"] = target,
                    ["Legacy"] = new JsonObject { ["Backend"] = "legacy", ["Path"] = "/legacy/catalog/item/{id}" },
                    ["New"] = new JsonObject { ["Backend"] = "shop", ["Path"] = "/api/products/{id}" },
                },
            },
        },
    };
}
