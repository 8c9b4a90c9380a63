using System.Text.Json.Nodes;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Undo;
using Bulwark.Edge.Tests.Support;
using Bulwark.Testing;

namespace Bulwark.Edge.Tests.Release;

/// <summary>The Undo drill (blue-green) through the real edge: against two real shop processes it passes; without the smoke gate or without draining it fails.</summary>
[Collection(ShopProcesses.Name)]
public sealed class UndoDrillTests
{
    [Fact]
    public async Task Drill_TwoShopProcessesBehindTheEdge_Passes()
    {
        await using var blue = await ShopHostProcess.StartAsync(null, ShopHostProcess.NoPerClientLimits);
        await using var green = await ShopHostProcess.StartAsync(null, ShopHostProcess.NoPerClientLimits);
        await blue.WarmUpAsync();
        await green.WarmUpAsync();
        await using var edge = await EdgeUnderTest.StartAsync(Config(blue.BaseAddress, green.BaseAddress));
        // The drill's goal is a switch back under 1 s (its default, met on a quiet machine); beside other builds on two
        // shared cores the smoke gate's real read alone can take a second, so the test allows 3.
        var report = await RunAsync(edge, maxSwitchBack: TimeSpan.FromSeconds(3));
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("\n", report.Verdict.Figures.Select(f => $"{f.Name}: {f.Value} {f.Unit}")));
        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "served by green" && f.Value > 0);
    }

    [Fact]
    public async Task Drill_SmokeGateSwitchedOff_Fails()
    {
        await using var blue = await VersionedBackend.StartAsync("blue");
        await using var green = await VersionedBackend.StartAsync("green");
        var config = Config(blue.BaseAddress, green.BaseAddress);
        config["Release"]!["Smoke"]!["Enabled"] = false;
        await using var edge = await EdgeUnderTest.StartAsync(config);
        var report = await RunAsync(edge);
        Assert.Equal(DrillOutcome.Failed, report.Verdict.Outcome);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "switch to unfit answered" && f.Value == 200);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "customer requests failed" && f.Ok == false);
    }

    [Fact]
    public async Task Drill_SwitchWithoutDraining_Fails()
    {
        // Slow answers keep requests in flight to the old slot at the moment of each switch.
        await using var blue = await VersionedBackend.StartAsync("blue");
        await using var green = await VersionedBackend.StartAsync("green");
        blue.Latency = green.Latency = TimeSpan.FromMilliseconds(150);
        var config = Config(blue.BaseAddress, green.BaseAddress);
        config["Release"]!["DrainTimeout"] = "00:00:00";
        config["Release"]!["Smoke"]!["Paths"] = new JsonArray();
        await using var edge = await EdgeUnderTest.StartAsync(config);
        var report = await RunAsync(edge);
        Assert.Equal(DrillOutcome.Failed, report.Verdict.Outcome);
        Assert.Contains(report.Verdict.Figures, f => f.Name.StartsWith("requests in flight to the old slot", StringComparison.Ordinal) && f.Ok == false);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "customer requests failed" && f.Ok == true);
    }

    [Fact]
    public void Judge_NoUnfitSlotConfigured_FailsAndSaysHowToAddOne()
    {
        var verdict = UndoJudge.Judge(new UndoMeasurements("blue", "green", 404, 200, 200, 40, true, true, 0, 1000, 0, 400, "blue", []), new UndoOptions());
        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains(verdict.Findings, f => f.Contains("Edge:Release:Slots:unfit", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_SlowSwitchBack_Fails()
    {
        var verdict = UndoJudge.Judge(new UndoMeasurements("blue", "green", 422, 200, 200, 1_400, true, true, 0, 1000, 0, 400, "blue", []), new UndoOptions());
        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains(verdict.Figures, f => f.Name == "switch back" && f.Ok == false);
    }

    private static async Task<DrillReport> RunAsync(EdgeUnderTest edge, TimeSpan? maxSwitchBack = null)
    {
        var drill = new UndoDrill(new UndoOptions { Hold = TimeSpan.FromSeconds(1), Workers = 8, MaxSwitchBack = maxSwitchBack ?? TimeSpan.FromSeconds(1) });
        var context = new DrillContext(edge.BaseAddress, TimeProvider.System, new LoadGenerator(TimeProvider.System), [], new Dictionary<string, string> { ["X-Api-Key"] = EdgeUnderTest.OperatorKey });
        return await new DrillRunner(TimeProvider.System).RunAsync(drill, context, TestContext.Current.CancellationToken);
    }

    private static JsonObject Config(Uri blue, Uri green) => new()
    {
        ["Release"] = new JsonObject
        {
            // "unfit": nothing listens there, so its smoke gate cannot pass.
            ["Slots"] = new JsonObject { ["blue"] = blue.ToString(), ["green"] = green.ToString(), ["unfit"] = $"http://127.0.0.1:{FreePort.Refusing}/" },
            ["Live"] = "blue",
            ["Smoke"] = new JsonObject { ["Paths"] = new JsonArray("/api/products/1"), ["Timeout"] = "00:00:15" },
        },
    };
}
