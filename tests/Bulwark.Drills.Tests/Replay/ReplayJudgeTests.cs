using Bulwark.Drills.Model;
using Bulwark.Drills.Replay;

namespace Bulwark.Drills.Tests.Replay;

public sealed class ReplayJudgeTests
{
    private static readonly string[] Paths = ["/api/products"];

    [Fact]
    public void Judge_IdenticalAndInTime_Passes()
    {
        var verdict = ReplayJudge.Judge(new ReplayMeasurement([Replay("a", TimeSpan.FromMilliseconds(40))], Paths, [], TimeSpan.FromSeconds(1)));

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
        Assert.Empty(verdict.Findings);
    }

    [Fact]
    public void Judge_ReadModelDiffersAfterReplay_FailsNamingTheQuery()
    {
        var verdict = ReplayJudge.Judge(new ReplayMeasurement([Replay("a", TimeSpan.FromMilliseconds(40))], Paths, Paths, TimeSpan.FromSeconds(1)));

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("/api/products", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_RebuildTooSlow_Fails()
    {
        var verdict = ReplayJudge.Judge(new ReplayMeasurement([Replay("a", TimeSpan.FromSeconds(3))], Paths, [], TimeSpan.FromSeconds(1)));

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
    }

    [Fact]
    public void Judge_RebuildRefusedOrNoProjections_Fails()
    {
        Assert.Equal(DrillOutcome.Failed, ReplayJudge.Judge(new ReplayMeasurement([Replay("a", TimeSpan.Zero) with { Status = 500 }], Paths, [], TimeSpan.FromSeconds(1))).Outcome);
        Assert.Equal(DrillOutcome.Failed, ReplayJudge.Judge(new ReplayMeasurement([], Paths, [], TimeSpan.FromSeconds(1))).Outcome);
    }

    [Fact]
    public void Judge_PartialReadsDuringRebuild_PassesWithAFinding()
    {
        var verdict = ReplayJudge.Judge(new ReplayMeasurement([Replay("a", TimeSpan.FromMilliseconds(40)) with { ReadsDuring = 5, ReadsDifferent = 2 }], Paths, [], TimeSpan.FromSeconds(1)));

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
        Assert.Contains(verdict.Findings, f => f.Contains("shadow table", StringComparison.Ordinal));
    }

    private static ProjectionReplay Replay(string name, TimeSpan duration) => new(name, 200, 100, duration, 0, 0);
}
