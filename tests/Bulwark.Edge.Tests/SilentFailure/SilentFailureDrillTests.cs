using System.Text.Json.Nodes;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.SilentFailure;
using Bulwark.Edge.Tests.Support;
using Bulwark.Testing;

namespace Bulwark.Edge.Tests.SilentFailure;

/// <summary>
/// The Silent Failure drill through the real edge (its active probes on <c>/health/ready</c>) to two real shop
/// processes, one of which gets its SQLite database locked by the drill while the process lives on. With the shop's
/// readiness checking that the database takes a write, the edge takes the stuck instance out and back; with that check
/// removed from the stuck instance (a startup hook of the test, not a switch of the shop), customers keep landing on it.
/// </summary>
[Collection(ShopProcesses.Name)]
public sealed class SilentFailureDrillTests
{
    [Fact]
    public async Task Drill_DatabaseLockedBehindTheEdge_ReadinessTakesTheInstanceOutAndBack_Passes()
    {
        var report = await RunAsync(blindReadiness: false);

        TestContext.Current.TestOutputHelper?.WriteLine(report.Verdict.Reason + "\n" + Figures(report));
        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "time to readiness 503 after the lock" && f.Value >= 0);
    }

    [Fact]
    public async Task Drill_ReadinessBlindToTheDatabase_CustomersKeepLandingOnTheStuckInstance_Fails()
    {
        var report = await RunAsync(blindReadiness: true);

        TestContext.Current.TestOutputHelper?.WriteLine(report.Verdict.Reason + "\n" + Figures(report));
        Assert.Equal(DrillOutcome.Failed, report.Verdict.Outcome);
        Assert.Contains("stayed 200 with its database locked", report.Verdict.Reason, StringComparison.Ordinal);
        // The stuck instance starves (its writers block threads), so the edge's own 2 s probe timeout sometimes takes it
        // out for a while: customers still land on it, and fail there, whenever a slow 200 lets it back in.
        Assert.True(
            report.Verdict.Reason.Contains("kept sending customers", StringComparison.Ordinal) || report.Verdict.Reason.Contains("failed more than", StringComparison.Ordinal),
            report.Verdict.Reason);
    }

    private static string Figures(DrillReport report) =>
        string.Join("\n", report.Verdict.Figures.Select(f => $"{f.Name}: {f.Value} {f.Unit} {f.Threshold}").Concat(report.Verdict.Findings));

    private static async Task<DrillReport> RunAsync(bool blindReadiness)
    {
        // The shops' per-client limits are not under test (every customer arrives through one edge on one address), and
        // sign-ups at the production password work factor would make the drill measure PBKDF2 on two cores.
        string[] settings = [.. ShopHostProcess.NoPerClientLimits, "--Shop:Identity:PasswordHasher:IterationCount=1000"];
        await using var a = await ShopHostProcess.StartAsync(null, settings);
        await using var b = await ShopHostProcess.StartAsync(null, blindReadiness ? HealthCheckRemoval.Environment("database") : new Dictionary<string, string>(), settings);
        await a.WarmUpAsync();
        await b.WarmUpAsync();
        await using var edge = await EdgeUnderTest.StartAsync(Config(a.BaseAddress, b.BaseAddress));
        var drill = new SilentFailureDrill(new SilentFailureOptions
        {
            Victim = "cell-b",
            VictimUrl = b.BaseAddress.ToString(),
            VictimDatabase = Path.Combine(b.DataPath, "shop.db"),
            RatePerSecond = 40,
            Baseline = TimeSpan.FromSeconds(3),
            LockFor = TimeSpan.FromSeconds(12),
            OutOfRotationWithin = TimeSpan.FromSeconds(8),
            BackInRotationWithin = TimeSpan.FromSeconds(20),
        });
        var context = new DrillContext(edge.BaseAddress, TimeProvider.System, new LoadGenerator(TimeProvider.System), [], new Dictionary<string, string> { ["X-Api-Key"] = EdgeUnderTest.OperatorKey });
        return await new DrillRunner(TimeProvider.System).RunAsync(drill, context, TestContext.Current.CancellationToken);
    }

    // Anonymous customers go to any serving cell in turn: the edge as a load balancer with active readiness probes.
    private static JsonObject Config(Uri a, Uri b) => new()
    {
        ["Cells"] = new JsonObject
        {
            ["Cells"] = new JsonObject
            {
                ["cell-a"] = new JsonObject { ["Url"] = a.ToString() },
                ["cell-b"] = new JsonObject { ["Url"] = b.ToString() },
            },
            // A loaded two-core machine: a probe gets 2 s to answer; the shop's own readiness answers 503 after 1 s.
            ["Health"] = new JsonObject { ["ProbeInterval"] = "00:00:00.500", ["ProbeTimeout"] = "00:00:02" },
        },
    };
}
