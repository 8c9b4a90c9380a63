using Bulwark.Drills.Model;
using Bulwark.Drills.PoisonPill;

namespace Bulwark.Drills.Tests.PoisonPill;

public sealed class PoisonPillJudgeTests
{
    private static readonly PoisonPillOptions Options = new();

    [Fact]
    public void Judge_PoisonDeadLetteredAtOnceAndGoodOnesDone_Passes()
    {
        var verdict = PoisonPillJudge.Judge(Measured(), Options);

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
        Assert.Empty(verdict.Findings);
    }

    [Fact]
    public void Judge_PoisonNeverDeadLettered_FailsAsALoop()
    {
        var verdict = PoisonPillJudge.Judge(Measured() with { PoisonDeadLettered = 0, PoisonMaxAttempts = 0, PoisonRejected = 1 }, Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("never reached the DLQ", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_GoodReturnsStuckBehindThePoison_Fails()
    {
        var verdict = PoisonPillJudge.Judge(Measured() with { GoodCompleted = 3 }, Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("held up the queue", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_GoodReturnSlowerThanAllowed_Fails()
    {
        Assert.Equal(DrillOutcome.Failed, PoisonPillJudge.Judge(Measured() with { GoodSlowestSeconds = 16 }, Options).Outcome);
    }

    [Fact]
    public void Judge_PoisonRetriedWithinBudget_PassesWithAFinding()
    {
        var verdict = PoisonPillJudge.Judge(Measured() with { PoisonMaxAttempts = 5 }, Options);

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
        Assert.Contains(verdict.Findings, f => f.Contains("permanent", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_PoisonRetriedOverBudget_Fails()
    {
        Assert.Equal(DrillOutcome.Failed, PoisonPillJudge.Judge(Measured() with { PoisonMaxAttempts = 6 }, Options).Outcome);
    }

    [Fact]
    public void Judge_NothingAccepted_IsInconclusive()
    {
        Assert.Equal(DrillOutcome.Inconclusive, PoisonPillJudge.Judge(Measured() with { GoodSent = 0 }, Options).Outcome);
    }

    private static PoisonPillMeasurements Measured() => new(1, 20, 20, 0, 2.5, 1, 1, 1, TimeSpan.FromSeconds(3));
}
