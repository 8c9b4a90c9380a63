using Bulwark.Drills.Model;
using Bulwark.Drills.SlowLoris;

namespace Bulwark.Drills.Tests.SlowLoris;

public sealed class SlowLorisJudgeTests
{
    private static readonly SlowLorisOptions Options = new();

    private static SlowLorisMeasurements Measured(int closed = 200, double attackSeconds = 40, Bulwark.Drills.Load.LoadStatistics? probes = null, Bulwark.Drills.Load.LoadStatistics? slow = null) =>
        new(200, 0, closed, closed > 0 ? TimeSpan.FromSeconds(31) : null, TimeSpan.FromSeconds(attackSeconds), probes ?? Stats.Of((200, 800, 5)), slow);

    [Fact]
    public void Judge_ProbesFineAndServerCutTheSlowConnections_Passes() =>
        Assert.Equal(DrillOutcome.Passed, SlowLorisJudge.Judge(Measured(slow: Stats.Of((503, 8, 2000))), Options).Outcome);

    [Fact]
    public void Judge_SlowConnectionsHeldPastTheHeaderTimeout_Fails()
    {
        var verdict = SlowLorisJudge.Judge(Measured(closed: 0), Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("headers timeout", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_ShortAttack_DoesNotJudgeTheCutoff()
    {
        var verdict = SlowLorisJudge.Judge(Measured(closed: 0, attackSeconds: 10), Options);

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
        Assert.Contains(verdict.Findings, f => f.Contains("not judged", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_NormalUsersTurnedAway_Fails() =>
        Assert.Equal(DrillOutcome.Failed, SlowLorisJudge.Judge(Measured(probes: Stats.Of((200, 90, 5), (0, 10, 10_000))), Options).Outcome);

    [Fact]
    public void Judge_NormalP99OverBudget_Fails() =>
        Assert.Equal(DrillOutcome.Failed, SlowLorisJudge.Judge(Measured(probes: Stats.Of((200, 95, 5), (200, 5, 800))), Options).Outcome);

    [Fact]
    public void Judge_CallsWaitTheFullTwentySecondsForTheSlowDependency_FailsOnTheTimeoutBudget()
    {
        var verdict = SlowLorisJudge.Judge(Measured(slow: Stats.Of((201, 8, 20_000))), Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("no timeout budget", verdict.Reason, StringComparison.Ordinal);
    }
}
