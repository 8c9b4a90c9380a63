using Bulwark.Drills.Model;
using Bulwark.Drills.SplitBrain;

namespace Bulwark.Drills.Tests.SplitBrain;

public sealed class SplitBrainJudgeTests
{
    private static readonly SplitBrainOptions Options = new();

    private static readonly SplitBrainSide Healthy = new(BrowseSent: 30, BrowseErrors: 0, BrowseP99Ms: 40, MoneySent: 30, MoneyAcknowledged: 29, MoneyErrors: 0);

    private static readonly SplitBrainSide Refusing = new(BrowseSent: 60, BrowseErrors: 0, BrowseP99Ms: 60, MoneySent: 60, MoneyAcknowledged: 2, MoneyErrors: 58);

    private static readonly SplitBrainAudit Clean = new(6, 150, 0, 0, 0, 0, 0, []);

    [Fact]
    public void Judge_MoneyStoppedBrowsingWentOnNothingDiverged_Passes()
    {
        var verdict = SplitBrainJudge.Judge(Measured(), Options);

        Assert.True(verdict.Outcome == DrillOutcome.Passed, verdict.Reason);
        Assert.Empty(verdict.Findings);
    }

    [Fact]
    public void Judge_PartitionedSideAcknowledgedMoney_Fails()
    {
        var verdict = SplitBrainJudge.Judge(Measured() with { PartitionedAcknowledgedAfterGrace = 3 }, Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("chose availability for money", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_PartitionedSideAnswered500_FailsAsUnclear()
    {
        var verdict = SplitBrainJudge.Judge(Measured() with { PartitionedUnclearRefusals = 1 }, Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("instead of a 503", verdict.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 0, 0, 0)]
    [InlineData(0, 1, 0, 0)]
    [InlineData(0, 0, 1, 0)]
    [InlineData(0, 0, 0, 1)]
    public void Judge_AnyDivergence_Fails(int lost, int duplicated, int foreign, int mismatches)
    {
        var audit = Clean with { Lost = lost, Duplicated = duplicated, Foreign = foreign, BalanceMismatches = mismatches, Examples = ["wallet w: …"] };

        var verdict = SplitBrainJudge.Judge(Measured() with { Audit = audit }, Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("diverged", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains("wallet w: …", verdict.Findings);
    }

    [Fact]
    public void Judge_BrowsingFailedOnThePartitionedSide_Fails()
    {
        var measured = Measured() with { Partition = new(Healthy, Refusing with { BrowseErrors = 10 }) };

        Assert.Equal(DrillOutcome.Failed, SplitBrainJudge.Judge(measured, Options).Outcome);
    }

    [Fact]
    public void Judge_BrowsingSlowOnThePartitionedSide_Fails()
    {
        var measured = Measured() with { Partition = new(Healthy, Refusing with { BrowseP99Ms = Options.MaxBrowseP99Ms + 1 }) };

        Assert.Equal(DrillOutcome.Failed, SplitBrainJudge.Judge(measured, Options).Outcome);
    }

    [Fact]
    public void Judge_HealthySideLostItsMoneyToo_Fails()
    {
        var measured = Measured() with { Partition = new(Healthy with { MoneyErrors = 10 }, Refusing) };

        Assert.Equal(DrillOutcome.Failed, SplitBrainJudge.Judge(measured, Options).Outcome);
    }

    [Fact]
    public void Judge_NeverReadyAgain_Fails() =>
        Assert.Equal(DrillOutcome.Failed, SplitBrainJudge.Judge(Measured() with { TimeToReady = null }, Options).Outcome);

    [Fact]
    public void Judge_NoDepositAfterHealing_Fails() =>
        Assert.Equal(DrillOutcome.Failed, SplitBrainJudge.Judge(Measured() with { Healed = new(Healthy, Healthy with { MoneyAcknowledged = 0 }) }, Options).Outcome);

    [Fact]
    public void Judge_CommitHiddenByTheCut_PassesWithAFinding()
    {
        var verdict = SplitBrainJudge.Judge(Measured() with { Audit = Clean with { UnacknowledgedApplied = 1 } }, Options);

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
        Assert.Contains(verdict.Findings, f => f.Contains("Idempotency-Key", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_NoDepositReachedThePartitionedSide_IsInconclusive() =>
        Assert.Equal(DrillOutcome.Inconclusive, SplitBrainJudge.Judge(Measured() with { PartitionedMoneyAfterGrace = 0 }, Options).Outcome);

    [Fact]
    public void Judge_AuditUnreadable_IsInconclusive() =>
        Assert.Equal(DrillOutcome.Inconclusive, SplitBrainJudge.Judge(Measured() with { Audit = null }, Options).Outcome);

    private static SplitBrainMeasurement Measured() =>
        new(new(Healthy, Healthy), new(Healthy, Refusing), new(Healthy, Healthy), 40, 0, 0, TimeSpan.FromMilliseconds(300), Clean);
}
