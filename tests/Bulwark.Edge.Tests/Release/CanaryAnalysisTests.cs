using Bulwark.Edge.Release;

namespace Bulwark.Edge.Tests.Release;

public sealed class CanaryAnalysisTests
{
    private static readonly CanaryOptions Options = new() { MinSample = 50, MaxErrorRate = 0.01, MaxP99 = TimeSpan.FromMilliseconds(500), FailureLimit = 2 };

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
