using System.Globalization;
using Bulwark.Drills.Cells;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Edge.Tests.Support;

namespace Bulwark.Edge.Tests.Cells;

/// <summary>
/// The cell Blast Radius drill through the real edge to two real shop processes (cells, each with its own data), one
/// of which the drill kills. With the router isolating customers it passes; with the router switched to one shared
/// pool the same kill reaches every customer, and it fails.
/// </summary>
[Collection(ShopProcesses.Name)]
public sealed class CellBlastRadiusDrillTests
{
    [Fact]
    public async Task Drill_CellProcessKilled_OtherCellsSeeNoError_ItsCustomersGetFast503Problems()
    {
        var report = await RunAsync("Cells");

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("\n", report.Verdict.Figures.Select(f => $"{f.Name}: {f.Value} {f.Unit} {f.Threshold}")));
        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "dead cell's customers: 503 problems from the router" && f.Value > 0);
    }

    [Fact]
    public async Task Drill_RouterSpreadsEveryoneOverOneSharedPool_Fails()
    {
        var report = await RunAsync("Pool");

        TestContext.Current.TestOutputHelper?.WriteLine(report.Verdict.Reason);
        Assert.Equal(DrillOutcome.Failed, report.Verdict.Outcome);
        Assert.Contains("served by more than one cell", report.Verdict.Reason, StringComparison.Ordinal);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "other cells' customers: errors after the kill" && f.Value > 0);
    }

    [Fact]
    public void Judge_OtherCellsCustomersSawErrors_Fails()
    {
        var verdict = CellBlastRadiusJudge.Judge(new CellBlastRadiusMeasurements("cell-b", 50, 50, 0, 1000, 3, 20, 25, 900, 900, 0, 5, []), new CellBlastRadiusOptions());
        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("3 of 1000 requests", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_DeadCellsCustomersHung_Fails()
    {
        var verdict = CellBlastRadiusJudge.Judge(new CellBlastRadiusMeasurements("cell-b", 50, 50, 0, 1000, 0, 20, 25, 40, 10, 30, 30_000, []), new CellBlastRadiusOptions());
        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("waited 30000 ms", verdict.Reason, StringComparison.Ordinal);
    }

    private static async Task<DrillReport> RunAsync(string routing)
    {
        // The shops' own per-client limits are not under test: every drill customer arrives through one edge on one
        // address, and a CI run answered 1,057 of 12,750 of them 429 from the surviving cell.
        await using var a = await ShopHostProcess.StartAsync(null, ShopHostProcess.NoPerClientLimits);
        await using var b = await ShopHostProcess.StartAsync(null, ShopHostProcess.NoPerClientLimits);
        await a.WarmUpAsync();
        await b.WarmUpAsync();
        var config = CellRouterEdgeTests.Config(a.BaseAddress, b.BaseAddress, routing);
        await using var edge = await EdgeUnderTest.StartAsync(config);
        var pidFile = Path.Combine(Path.GetTempPath(), $"bulwark-cell-b-{Guid.NewGuid():N}.pid");
        await File.WriteAllTextAsync(pidFile, b.ProcessId.ToString(CultureInfo.InvariantCulture), TestContext.Current.CancellationToken);
        try
        {
            var drill = new CellBlastRadiusDrill(new CellBlastRadiusOptions
            {
                VictimPidFile = pidFile,
                Customers = 60,
                Workers = 6,
                Baseline = TimeSpan.FromSeconds(3),
                Outage = TimeSpan.FromSeconds(5),
                // The shared two-core machine: the p99 rule gets room for its noise; errors and the fast 503 are the point.
                P99SlackMs = 250,
            });
            var context = new DrillContext(edge.BaseAddress, TimeProvider.System, new LoadGenerator(TimeProvider.System), [], new Dictionary<string, string> { ["X-Api-Key"] = EdgeUnderTest.OperatorKey });
            return await new DrillRunner(TimeProvider.System).RunAsync(drill, context, TestContext.Current.CancellationToken);
        }
        finally
        {
            File.Delete(pidFile);
        }
    }
}
