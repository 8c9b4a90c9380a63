using Bulwark.Drills.Model;
using Bulwark.Drills.Zombie;

namespace Bulwark.Drills.Tests.Zombie;

public sealed class ZombieJudgeTests
{
    private static readonly ZombieOptions Options = new();

    [Fact]
    public void Judge_ProbesIgnoreTheExternalOutage_PassesAndSaysTheCriticalHalfWasNotRun()
    {
        var verdict = ZombieJudge.Judge(new(20, 0, 0, 0, false, null, null), Options);

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
        Assert.Contains(verdict.Findings, f => f.Contains("not exercised", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_ReadinessFollowsAnExternalApi_Fails() =>
        Assert.Equal(DrillOutcome.Failed, ZombieJudge.Judge(new(20, 0, 3, 0, false, null, null), Options).Outcome);

    [Fact]
    public void Judge_LivenessFailed_Fails() =>
        Assert.Equal(DrillOutcome.Failed, ZombieJudge.Judge(new(20, 1, 0, 0, false, null, null), Options).Outcome);

    [Fact]
    public void Judge_CriticalDependencyDiedAndReadinessNeverDropped_FailsAsAZombie()
    {
        var verdict = ZombieJudge.Judge(new(20, 0, 0, 0, true, null, TimeSpan.FromMilliseconds(10)), Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("zombie", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_ReadinessDroppedAndRecoveredInTime_Passes() =>
        Assert.Equal(DrillOutcome.Passed, ZombieJudge.Judge(new(20, 0, 0, 0, true, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)), Options).Outcome);
}
