using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bulwark.Edge.Tests.Support;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Shop.Externals.Hosting;
using Shop.Externals.LegacyShop;

namespace Bulwark.Edge.Tests.Strangler;

/// <summary>Shadow mode with the real shop (its own process) as the new side and the legacy stand-in as the old one.</summary>
[Collection(ShopProcesses.Name)]
public sealed class ShadowAgainstShopTests : IAsyncLifetime
{
    private WebApplication _legacy = null!;
    private ShopHostProcess _shop = null!;
    private EdgeUnderTest _edge = null!;

    public async ValueTask InitializeAsync()
    {
        _legacy = LegacyShopApp.Create("http://127.0.0.1:0");
        await _legacy.StartAsync(TestContext.Current.CancellationToken);
        _shop = await ShopHostProcess.StartAsync();
        _edge = await EdgeUnderTest.StartAsync(new JsonObject
        {
            ["Backends"] = new JsonObject { ["legacy"] = _legacy.BaseAddress().ToString(), ["shop"] = _shop.BaseAddress.ToString() },
            ["Strangler"] = new JsonObject
            {
                // Twenty quick reads against a freshly started shop: more shadows than the default 16 may be in flight.
                ["MaxConcurrentShadows"] = 64,
                ["Routes"] = new JsonObject
                {
                    ["catalog-item"] = new JsonObject
                    {
                        ["Path"] = "/legacy/catalog/item/{id}",
                        ["Legacy"] = new JsonObject { ["Backend"] = "legacy", ["Path"] = "/legacy/catalog/item/{id}" },
                        ["New"] = new JsonObject { ["Backend"] = "shop", ["Path"] = "/api/products/{id}" },
                        ["Shadow"] = true,
                        ["IgnoreFields"] = new JsonArray("version", "row_version", "active_flag"),
                        // After a flip, old callers get the old shape: snake_case names, no new-only version.
                        ["LegacyShape"] = new JsonObject { ["Omit"] = new JsonArray("version") },
                    },
                },
            },
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _edge.DisposeAsync();
        await _shop.DisposeAsync();
        await _legacy.StopAsync(CancellationToken.None);
        await _legacy.DisposeAsync();
    }

    [Fact]
    public async Task Shadow_SameData_MatchesAll_ThenFindsAPlantedDifference()
    {
        for (var id = 1; id <= 20; id++)
        {
            using var response = await _edge.Client.GetAsync(new Uri($"/legacy/catalog/item/{id}", UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            // The customer gets the legacy answer; the shadow's never reaches them.
            Assert.Contains("price_cents", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        var shadow = await ShadowAsync(compared: 20);
        Assert.Equal(0, shadow["skipped"]!.GetValue<long>());
        Assert.True(shadow["matched"]!.GetValue<long>() == 20, $"Before any planted difference every answer should match: {shadow}");
        Assert.Equal(1.0, shadow["matchRate"]!.GetValue<double>());

        // The legacy database changes a price the new shop never hears of (no double write, no change capture).
        using (var plant = await new HttpClient().PutAsJsonAsync(new Uri(_legacy.BaseAddress(), "/_control/legacy/items/7/price"), new { priceCents = 1 }, TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, plant.StatusCode);
        }

        using (await _edge.Client.GetAsync(new Uri("/legacy/catalog/item/7", UriKind.Relative), TestContext.Current.CancellationToken))
        {
        }

        shadow = await ShadowAsync(compared: 21);
        Assert.Equal(1, shadow["mismatched"]!.GetValue<long>());
        var mismatch = shadow["recentMismatches"]!.AsArray().Single()!;
        Assert.Equal("/legacy/catalog/item/7", mismatch["path"]!.GetValue<string>());
        Assert.StartsWith("$.pricecents: 1 vs ", mismatch["difference"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(20.0 / 21, shadow["matchRate"]!.GetValue<double>(), 6);
    }

    [Fact]
    public async Task Flipped_WithALegacyShape_TheNewSideAnswersInTheOldShape()
    {
        var ct = TestContext.Current.CancellationToken;
        using var legacyClient = new HttpClient { BaseAddress = _legacy.BaseAddress() };
        var legacy = JsonNode.Parse(await legacyClient.GetStringAsync(new Uri("/legacy/catalog/item/3", UriKind.Relative), ct))!.AsObject();
        using (var flip = await _edge.SendOperatorAsync(HttpMethod.Put, "/edge/strangler/catalog-item/target", new { target = "new" }))
        {
            Assert.Equal(HttpStatusCode.OK, flip.StatusCode);
        }

        using var answer = await _edge.Client.GetAsync(new Uri("/legacy/catalog/item/3", UriKind.Relative), ct);
        var body = await answer.Content.ReadAsStringAsync(ct);
        var reshaped = JsonNode.Parse(body)!.AsObject();

        // The shop answered (the new side), in the legacy spelling, with every legacy field it has and nothing else;
        // the two legacy-only fields (row_version, active_flag) it cannot have are the route's IgnoreFields.
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.DoesNotContain("priceCents", body, StringComparison.Ordinal);
        Assert.Equal(
            legacy.Select(p => p.Key).Except(["row_version", "active_flag"]).Order(StringComparer.Ordinal),
            reshaped.Select(p => p.Key).Order(StringComparer.Ordinal));
        foreach (var (name, value) in reshaped)
        {
            Assert.True(JsonNode.DeepEquals(legacy[name], value), $"{name}: legacy {legacy[name]} vs reshaped {value}");
        }

        Assert.Equal(body.Length, answer.Content.Headers.ContentLength);
    }

    private Task<JsonNode> ShadowAsync(int compared) => Eventually.WaitAsync(
        async () => (await _edge.GetJsonAsync("/edge/strangler"))["routes"]![0]!["shadow"]!,
        s => s["compared"]!.GetValue<long>() >= compared,
        $"{compared} shadow comparisons");
}
