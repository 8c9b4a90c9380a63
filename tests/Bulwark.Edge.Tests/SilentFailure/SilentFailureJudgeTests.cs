using Bulwark.Drills.Model;
using Bulwark.Drills.SilentFailure;

namespace Bulwark.Edge.Tests.SilentFailure;

public sealed class SilentFailureJudgeTests
{
    private static readonly SilentFailureOptions Options = new();

    private static SilentFailureMeasurements Good() => new(
        "cell-b", BaselineRequests: 120, BaselineVictimShare: 0.5, LiveNot200: 0, ProbeRounds: 60,
        TimeToUnready: TimeSpan.FromMilliseconds(1100), SlowestReadyAnswer: TimeSpan.FromMilliseconds(1050),
        LockedRequests: 600, LockedErrors: 30, SettledRequests: 200, SettledErrors: 1, LastVictimServed: TimeSpan.FromSeconds(2), VictimServedLate: 0,
        TimeToBackInRotation: TimeSpan.FromSeconds(1), FailureSamples: []);

    [Fact]
    public void Judge_TakenOutFastAndBack_Passes() =>
        Assert.Equal(DrillOutcome.Passed, SilentFailureJudge.Judge(Good(), Options).Outcome);

    [Fact]
    public void Judge_ReadinessStayed200_FailsAsSilent()
    {
        var verdict = SilentFailureJudge.Judge(Good() with { TimeToUnready = null, LastVictimServed = TimeSpan.FromSeconds(14), VictimServedLate = 90 }, Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("stayed 200 with its database locked", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains("kept sending customers", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_ReadinessHung_FailsOnTheSlowAnswer()
    {
        var verdict = SilentFailureJudge.Judge(Good() with { SlowestReadyAnswer = TimeSpan.FromSeconds(5) }, Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("took 5000 ms", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_LivenessFailed_Fails() =>
        Assert.Contains("restart", SilentFailureJudge.Judge(Good() with { LiveNot200 = 2 }, Options).Reason, StringComparison.Ordinal);

    [Fact]
    public void Judge_TooManyCustomerErrors_Fails() =>
        Assert.Contains("20 of 200", SilentFailureJudge.Judge(Good() with { SettledErrors = 20 }, Options).Reason, StringComparison.Ordinal);

    [Fact]
    public void Judge_NeverBackInRotation_Fails() =>
        Assert.Contains("did not return to rotation", SilentFailureJudge.Judge(Good() with { TimeToBackInRotation = null }, Options).Reason, StringComparison.Ordinal);

    [Fact]
    public void Judge_VictimNotInRotationBeforeTheLock_Inconclusive() =>
        Assert.Equal(DrillOutcome.Inconclusive, SilentFailureJudge.Judge(Good() with { BaselineVictimShare = 0 }, Options).Outcome);
}
