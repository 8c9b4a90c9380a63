using Bulwark.Drills.Model;
using Bulwark.Drills.Recovery;

namespace Bulwark.Drills.Tests.Recovery;

public sealed class RecoveryJudgeTests
{
    private static readonly RecoveryOptions Options = new();

    [Fact]
    public void Judge_OneRequestPerCallAndQuickRecovery_PassesAndNotesTheMissingRetries()
    {
        var verdict = RecoveryJudge.Judge(new(100, 100, 100, 100, TimeSpan.FromMilliseconds(20)), Options);

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
        Assert.Contains(verdict.Findings, f => f.Contains("No retries", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_FiveRequestsPerCallAfterRestore_FailsAsARetryStorm()
    {
        var verdict = RecoveryJudge.Judge(new(100, 100, 100, 500, TimeSpan.FromMilliseconds(20)), Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("Retry storm", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_BoundedRetries_PassesWithoutTheNoRetryFinding()
    {
        var verdict = RecoveryJudge.Judge(new(100, 100, 100, 150, TimeSpan.FromMilliseconds(20)), Options);

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
        Assert.DoesNotContain(verdict.Findings, f => f.Contains("No retries", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_NoSuccessAfterRestore_Fails() =>
        Assert.Equal(DrillOutcome.Failed, RecoveryJudge.Judge(new(100, 100, 100, 100, null), Options).Outcome);

    [Fact]
    public void Judge_SlowRecovery_Fails() =>
        Assert.Equal(DrillOutcome.Failed, RecoveryJudge.Judge(new(100, 100, 100, 100, Options.RecoverWithin + TimeSpan.FromSeconds(1)), Options).Outcome);

    [Fact]
    public void Judge_CallsSucceededDuringTheOutage_IsInconclusive() =>
        Assert.Equal(DrillOutcome.Inconclusive, RecoveryJudge.Judge(new(100, 0, 100, 100, TimeSpan.Zero), Options).Outcome);
}
