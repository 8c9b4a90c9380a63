using Bulwark.Edge.Release;

namespace Bulwark.Edge.Tests.Release;

public sealed class CanaryAnalysisTests
{
    private static readonly CanaryOptions Options = new() { MinSample = 50, MaxErrorRate = 0.01, MaxP99 = TimeSpan.FromMilliseconds(500), FailureLimit = 2 };

    private static readonly CanaryOptions Compared = new()
    {
        MinSample = 50, MaxErrorRate = 0.10, MaxP99 = TimeSpan.FromSeconds(2), FailureLimit = 2,
        Baseline = new BaselineComparisonOptions { Enabled = true, MaxErrorRateIncrease = 0.01, MaxP99Ratio = 1.5, P99Slack = TimeSpan.FromMilliseconds(100) },
    };

    [Fact]
    public void Decide_CanaryFarSlowerThanTheBaseline_FailsUnderALooseAbsoluteLimit()
    {
        // 300 ms is under the absolute 2 s but over 40 × 1.5 + 100 = 160 ms allowed against the live slot.
        var baseline = new WindowSnapshot(500, 0, TimeSpan.FromMilliseconds(40));
        var decision = CanaryAnalysis.Decide(new WindowSnapshot(60, 0, TimeSpan.FromMilliseconds(300)), Compared, step: 1, failures: 0, baseline);
        Assert.Equal(CanaryDecisionKind.Fail, decision.Kind);
        Assert.Contains("p99 against the baseline", decision.Reason, StringComparison.Ordinal);
        Assert.Contains("baseline 500 requests", decision.Reason, StringComparison.Ordinal);

        // At the boundary it passes: 160 ms is allowed.
        Assert.Equal(CanaryDecisionKind.Promote, CanaryAnalysis.Decide(new WindowSnapshot(60, 0, TimeSpan.FromMilliseconds(160)), Compared, 1, 0, baseline).Kind);
        // And without the comparison the same slow canary is promoted: that is the gap it closes.
        var thresholdsOnly = new CanaryOptions { MinSample = 50, MaxErrorRate = 0.10, MaxP99 = TimeSpan.FromSeconds(2), FailureLimit = 2 };
        Assert.Equal(CanaryDecisionKind.Promote, CanaryAnalysis.Decide(new WindowSnapshot(60, 0, TimeSpan.FromMilliseconds(300)), thresholdsOnly, 1, 0, baseline).Kind);
    }

    [Fact]
    public void Decide_ErrorRateJudgedAgainstTheBaselines_SoASickDependencyDoesNotBlameTheCanary()
    {
        // Both slots see the same failing dependency (5 %): the canary is no worse, so it is promoted.
        var baseline = new WindowSnapshot(1000, 50, TimeSpan.FromMilliseconds(30));
        Assert.Equal(CanaryDecisionKind.Promote, CanaryAnalysis.Decide(new WindowSnapshot(100, 5, TimeSpan.FromMilliseconds(30)), Compared, 0, 0, baseline).Kind);
        // Two points worse than the baseline is the canary's own doing.
        var worse = CanaryAnalysis.Decide(new WindowSnapshot(100, 7, TimeSpan.FromMilliseconds(30)), Compared, 0, 0, baseline);
        Assert.Equal(CanaryDecisionKind.Fail, worse.Kind);
        Assert.Contains("error rate against the baseline", worse.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_BaselineSampleTooSmall_JudgesOnTheThresholdsAndSaysSo()
    {
        var decision = CanaryAnalysis.Decide(new WindowSnapshot(60, 0, TimeSpan.FromMilliseconds(300)), Compared, 0, 0, new WindowSnapshot(10, 0, TimeSpan.FromMilliseconds(10)));
        Assert.Equal(CanaryDecisionKind.Promote, decision.Kind);
        Assert.Contains("baseline sample too small to compare (10 of 50 requests)", decision.Reason, StringComparison.Ordinal);
        Assert.Contains("thresholds only", CanaryAnalysis.Decide(new WindowSnapshot(60, 0, null), Compared, 0, 0, baseline: null).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_CleanSampleBelowMinimum_Holds()
    {
        var decision = CanaryAnalysis.Decide(new WindowSnapshot(49, 0, TimeSpan.FromMilliseconds(20)), Options, step: 0, failures: 0);
        Assert.Equal(CanaryDecisionKind.Hold, decision.Kind);
        Assert.Equal(0, decision.NextStep);
        Assert.Equal(0, decision.Failures);
    }

    [Fact]
    public void Decide_EmptySample_Holds()
    {
        Assert.Equal(CanaryDecisionKind.Hold, CanaryAnalysis.Decide(new WindowSnapshot(0, 0, null), Options, 0, 0).Kind);
    }

    [Fact]
    public void Decide_HealthyStep_PromotesToTheNextWeight()
    {
        var decision = CanaryAnalysis.Decide(new WindowSnapshot(50, 0, TimeSpan.FromMilliseconds(20)), Options, step: 1, failures: 0);
        Assert.Equal(CanaryDecisionKind.Promote, decision.Kind);
        Assert.Equal(2, decision.NextStep);
        Assert.Contains("25%", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_HealthyLastStep_Completes()
    {
        Assert.Equal(CanaryDecisionKind.Complete, CanaryAnalysis.Decide(new WindowSnapshot(50, 0, TimeSpan.FromMilliseconds(20)), Options, step: 4, failures: 0).Kind);
    }

    [Fact]
    public void Decide_ErrorRateOverThreshold_FailsThenRollsBackAtTheLimit()
    {
        var bad = new WindowSnapshot(100, 20, TimeSpan.FromMilliseconds(20));
        var first = CanaryAnalysis.Decide(bad, Options, step: 1, failures: 0);
        Assert.Equal(CanaryDecisionKind.Fail, first.Kind);
        Assert.Equal(1, first.Failures);
        var second = CanaryAnalysis.Decide(bad, Options, step: 1, failures: first.Failures);
        Assert.Equal(CanaryDecisionKind.RollBack, second.Kind);
        Assert.Contains("error rate", second.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_BreachOnSmallSample_CountsAFailure()
    {
        // 5 errors in 10 requests is news; holding would only expose more customers.
        Assert.Equal(CanaryDecisionKind.Fail, CanaryAnalysis.Decide(new WindowSnapshot(10, 5, TimeSpan.FromMilliseconds(20)), Options, 0, 0).Kind);
    }

    [Fact]
    public void Decide_P99OverThreshold_Fails()
    {
        var decision = CanaryAnalysis.Decide(new WindowSnapshot(100, 0, TimeSpan.FromMilliseconds(750)), Options, 0, 0);
        Assert.Equal(CanaryDecisionKind.Fail, decision.Kind);
        Assert.Contains("p99", decision.Reason, StringComparison.Ordinal);
    }
}
