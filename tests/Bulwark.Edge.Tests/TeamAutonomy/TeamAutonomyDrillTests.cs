using System.Text.Json.Nodes;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.TeamAutonomy;
using Bulwark.Edge.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Shop.Externals.Hosting;
using Shop.Externals.Recommendations;

namespace Bulwark.Edge.Tests.TeamAutonomy;

/// <summary>
/// The Team Autonomy drill (issue 15, structure checklist question 3) against the real shop process behind the real
/// edge: the mobile team releases mobile home v2 (the featured product's stock) by the edge's configuration while
/// customers browse. Phones on the mobile BFF get the field with the core untouched; phones calling the core's API
/// directly (the same edge, only proxying) never get it, and the drill fails saying the core would have to change.
/// </summary>
[Collection(ShopProcesses.Name)]
public sealed class TeamAutonomyDrillTests
{
    [Fact]
    public async Task Drill_PhonesOnTheMobileBff_NewFieldLiveWithTheCoreUntouched_Passes()
    {
        await using var recommendations = await StartRecommendationsAsync();
        await using var shop = await ShopHostProcess.StartAsync(null, ShopHostProcess.NoPerClientLimits);
        await shop.WarmUpAsync();
        await using var edge = await EdgeUnderTest.StartAsync(Config(shop.BaseAddress, recommendations.BaseAddress()));

        var report = await RunAsync(edge, shop, mobilePath: "/bff/mobile/home");

        TestContext.Current.TestOutputHelper?.WriteLine(report.Verdict.Reason + "\n" + string.Join("\n", report.Verdict.Figures.Select(f => $"{f.Name}: {f.Value} {f.Unit}")));
        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "browser screens compared" && f.Value > 0);
        // The rehearsal is put back: the edge's file no longer names version 2.
        Assert.DoesNotContain("\"Screens\"", await File.ReadAllTextAsync(edge.ConfigPath, TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drill_PhonesCallingTheCoreApiDirectly_FeatureNeverShips_Fails()
    {
        await using var recommendations = await StartRecommendationsAsync();
        await using var shop = await ShopHostProcess.StartAsync(null, ShopHostProcess.NoPerClientLimits);
        await shop.WarmUpAsync();
        await using var edge = await EdgeUnderTest.StartAsync(Config(shop.BaseAddress, recommendations.BaseAddress()));

        // No BFF on the phone's path: the app reads the core's product list through the edge's proxy, as before BFFs.
        var report = await RunAsync(edge, shop, mobilePath: "/api/products?page=1&pageSize=10");

        TestContext.Current.TestOutputHelper?.WriteLine(report.Verdict.Reason + "\n" + string.Join("\n", report.Verdict.Figures.Select(f => $"{f.Name}: {f.Value} {f.Unit}")));
        Assert.Equal(DrillOutcome.Failed, report.Verdict.Outcome);
        Assert.Contains("only come from the core", report.Verdict.Reason, StringComparison.Ordinal);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "release to the new field on phones" && f.Ok == false);
        // What failed is the feature, not the customers or the core.
        Assert.Contains(report.Verdict.Figures, f => f.Name == "core schema unchanged" && f.Ok == true);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "customer error rate" && f.Ok == true);
    }

    [Fact]
    public void Judge_EverythingHeld_Passes()
    {
        var verdict = TeamAutonomyJudge.Judge(Measured(), new TeamAutonomyOptions());

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
    }

    [Fact]
    public void Judge_CoreRestartedAndMigratedDuringTheRelease_FailsNamingTheBackendTeam()
    {
        var verdict = TeamAutonomyJudge.Judge(Measured() with { CoreAfter = new CoreIdentity("instance-b", "r1", "schema-2") }, new TeamAutonomyOptions());

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("restarted or redeployed", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains("schema changed", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains(verdict.Figures, f => f.Name == "core release unchanged" && f.Ok == true);
    }

    [Fact]
    public void Judge_BrowserScreenChangedShape_Fails()
    {
        var verdict = TeamAutonomyJudge.Judge(Measured() with { WebProbesChanged = 3, WebShapeChange = "added [stock]" }, new TeamAutonomyOptions());

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains(verdict.Figures, f => f.Name == "browser screens whose shape changed" && f.Ok == false);
    }

    [Fact]
    public void Judge_CustomersFailedDuringTheRelease_Fails()
    {
        var verdict = TeamAutonomyJudge.Judge(Measured() with { CustomerFailures = 4 }, new TeamAutonomyOptions());

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains(verdict.Figures, f => f.Name == "customer error rate" && f.Ok == false);
    }

    private static TeamAutonomyMeasurements Measured() => new(
        "Edge:Bff:mobile:Screens:home=2", new CoreIdentity("instance-a", "r1", "schema-1"), new CoreIdentity("instance-a", "r1", "schema-1"),
        TimeSpan.FromMilliseconds(400), 30, 30, 40, 0, null, 300, 0);

    private static async Task<DrillReport> RunAsync(EdgeUnderTest edge, ShopHostProcess shop, string mobilePath)
    {
        var drill = new TeamAutonomyDrill(new TeamAutonomyOptions
        {
            EdgeConfigFile = edge.ConfigPath,
            CoreUrl = shop.BaseAddress,
            MobilePath = mobilePath,
            Duration = TimeSpan.FromSeconds(15),
            RatePerSecond = 20,
            // The edge's file watcher and reload: under a second on a quiet machine; generous beside other builds.
            LiveWithin = TimeSpan.FromSeconds(8),
        });
        var context = new DrillContext(edge.BaseAddress, TimeProvider.System, new LoadGenerator(TimeProvider.System));
        return await new DrillRunner(TimeProvider.System).RunAsync(drill, context, TestContext.Current.CancellationToken);
    }

    private static async Task<WebApplication> StartRecommendationsAsync()
    {
        var recommendations = RecommendationsApp.Create("http://127.0.0.1:0");
        await recommendations.StartAsync(TestContext.Current.CancellationToken);
        return recommendations;
    }

    private static JsonObject Config(Uri shop, Uri recommendations)
    {
        // Customers come from one address here: the BFFs' per-client limits are not what is tested.
        JsonObject Unlimited() => new() { ["RateLimit"] = new JsonObject { ["PermitLimit"] = 100_000_000, ["Window"] = "00:01:00" }, ["PartTimeout"] = "00:00:05" };
        return new JsonObject
        {
            ["Backends"] = new JsonObject { ["shop"] = shop.ToString(), ["recommendations"] = recommendations.ToString() },
            ["Release"] = new JsonObject { ["Slots"] = new JsonObject { ["blue"] = shop.ToString() }, ["Live"] = "blue" },
            ["Bff"] = new JsonObject { ["mobile"] = Unlimited(), ["web"] = Unlimited() },
        };
    }
}
