using System.Text.Json.Nodes;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.StranglerZombie;
using Bulwark.Edge.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Shop.Externals.Hosting;
using Shop.Externals.LegacyShop;

namespace Bulwark.Edge.Tests.Strangler;

/// <summary>The strangler Zombie drill against the real edge, the legacy stand-in and a new side.</summary>
public sealed class StranglerZombieDrillTests : IAsyncLifetime
{
    private WebApplication _legacy = null!;
    private VersionedBackend _new = null!;

    public async ValueTask InitializeAsync()
    {
        _legacy = LegacyShopApp.Create("http://127.0.0.1:0");
        await _legacy.StartAsync(TestContext.Current.CancellationToken);
        _new = await VersionedBackend.StartAsync("new");
    }

    public async ValueTask DisposeAsync()
    {
        await _new.DisposeAsync();
        await _legacy.StopAsync(CancellationToken.None);
        await _legacy.DisposeAsync();
    }

    [Fact]
    public async Task Drill_FlippedRouteQuietForTheWindow_Passes()
    {
        await using var edge = await EdgeUnderTest.StartAsync(Config("New"));
        var report = await RunAsync(edge);
        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
    }

    [Fact]
    public async Task Drill_RouteStillOnLegacy_Fails()
    {
        await using var edge = await EdgeUnderTest.StartAsync(Config("Legacy"));
        var report = await RunAsync(edge);
        Assert.Equal(DrillOutcome.Failed, report.Verdict.Outcome);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "legacy requests during the watch" && f.Ok == false);
    }

    [Fact]
    public void Judge_EdgeNotYetCallingItDead_Fails()
    {
        var verdict = StranglerZombieJudge.Judge(new StranglerZombieMeasurements("r", "New", 0, 10, 0, "Draining", "quiet for 1 of 7 days"));
        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("quiet for 1 of 7 days", verdict.Reason, StringComparison.Ordinal);
    }

    private static async Task<DrillReport> RunAsync(EdgeUnderTest edge)
    {
        var drill = new StranglerZombieDrill(new StranglerZombieOptions { ObserveFor = TimeSpan.FromSeconds(1.5), CustomerPath = "/legacy/catalog/item/2" });
        var context = new DrillContext(edge.BaseAddress, TimeProvider.System, new LoadGenerator(TimeProvider.System), [], new Dictionary<string, string> { ["X-Api-Key"] = EdgeUnderTest.OperatorKey });
        return await new DrillRunner(TimeProvider.System).RunAsync(drill, context, TestContext.Current.CancellationToken);
    }

    private JsonObject Config(string target) => new()
    {
        ["Backends"] = new JsonObject { ["legacy"] = _legacy.BaseAddress().ToString(), ["shop"] = _new.BaseAddress.ToString() },
        ["Strangler"] = new JsonObject
        {
            ["ZombieWindow"] = "00:00:01",
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
