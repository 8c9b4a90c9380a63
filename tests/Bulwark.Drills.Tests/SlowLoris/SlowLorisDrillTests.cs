using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.SlowLoris;

namespace Bulwark.Drills.Tests.SlowLoris;

/// <summary>Slow-Loris end to end on Kestrel with a short headers timeout, so the cut-off is judged in seconds.</summary>
public sealed class SlowLorisDrillTests
{
    private static readonly SlowLorisOptions Options = new()
    {
        Connections = 20,
        ByteInterval = TimeSpan.FromMilliseconds(200),
        Duration = TimeSpan.FromSeconds(3),
        HeaderTimeoutExpected = TimeSpan.FromSeconds(1),
        CutoffGrace = TimeSpan.FromSeconds(1),
        ProbePath = "/ok",
        ProbeRatePerSecond = 20,
    };

    [Fact]
    public async Task Run_ServerCutsSlowHeaders_PassesWithEveryConnectionCut()
    {
        await using var server = await TinyServer.StartAsync(headersTimeout: TimeSpan.FromSeconds(1));

        var report = await RunAsync(server);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "slow connections closed by the server" && f.Value == 20);
    }

    [Fact]
    public async Task Run_ServerWaitsForeverForHeaders_Fails()
    {
        await using var server = await TinyServer.StartAsync(headersTimeout: TimeSpan.FromMinutes(10));

        var report = await RunAsync(server);

        Assert.Equal(DrillOutcome.Failed, report.Verdict.Outcome);
        Assert.Contains("headers timeout", report.Verdict.Reason, StringComparison.Ordinal);
    }

    private static Task<DrillReport> RunAsync(TinyServer server) =>
        new DrillRunner(TimeProvider.System).RunAsync(
            new SlowLorisDrill(Options),
            new DrillContext(server.BaseAddress, TimeProvider.System, new LoadGenerator(TimeProvider.System)),
            TestContext.Current.CancellationToken);
}
