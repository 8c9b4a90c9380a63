using Bulwark.Edge.Release;

namespace Bulwark.Edge.Tests.Release;

public sealed class CanaryAnalysisTests
{
    private static readonly CanaryOptions Options = new() { MinSample = 50, MaxErrorRate = 0.01, MaxP99 = TimeSpan.FromMilliseconds(500), FailureLimit = 2 };

    private static readonly CanaryOptions Compared = new()
    {
        MinSample = 50, MaxErrorRate = 0.10, MaxP99 = TimeSpan.FromSeconds(2), FailureLimit = 2,
        Baseline = new BaselineComparisonOptions { Enabled = true, Method = BaselineComparisonMethod.FixedMargin, MaxErrorRateIncrease = 0.01, MaxP99Ratio = 1.5, P99Slack = TimeSpan.FromMilliseconds(100) },
    };

    private static readonly CanaryOptions Tested = new()
    {
        MinSample = 50, MaxErrorRate = 0.10, MaxP99 = TimeSpan.FromSeconds(2), FailureLimit = 2,
        Baseline = new BaselineComparisonOptions { Enabled = true, Alpha = 0.05, MaxErrorRateIncrease = 0.01, LatencyMargin = 0.1 },
    };

    private static readonly CanaryOptions WithBusiness = new()
    {
        MinSample = 50, MaxErrorRate = 0.10, MaxP99 = TimeSpan.FromSeconds(2), FailureLimit = 2,
        Baseline = new BaselineComparisonOptions { Enabled = true, Alpha = 0.05 },
        Business = new BusinessMetricOptions { Bad = "shop_payments_total{outcome=\"failed\"}", Good = "shop_payments_total{outcome=\"succeeded\"}", MaxBadRateIncrease = 0.02, MinEvents = 20 },
    };

    [Fact]
    public void Decide_SmallDifferenceOnABigSample_SignificantButUnderTheMargin_Promotes()
    {
        // 1.3% against 1.0% over 200,000 requests each: z = 8.9, p ≈ 3e-19, yet only 0.3 points, under the 1-point margin.
        var canary = new WindowSnapshot(200_000, 2_600, TimeSpan.FromMilliseconds(30));
        var baseline = new WindowSnapshot(200_000, 2_000, TimeSpan.FromMilliseconds(30));
        var decision = CanaryAnalysis.Decide(canary, Tested, step: 0, failures: 0, baseline);
        Assert.True(decision.Kind == CanaryDecisionKind.Promote, decision.Reason);
        Assert.True(decision.Evidence!.ErrorRate!.PValue < 1e-15, $"p = {decision.Evidence.ErrorRate.PValue}");
        Assert.Equal(0.003, decision.Evidence.ErrorRate.Difference, 1e-12);
        // The margin is what promotes it: with none, the same significant difference fails.
        var noMargin = new CanaryOptions { MinSample = 50, MaxErrorRate = 0.10, Baseline = new BaselineComparisonOptions { Enabled = true, MaxErrorRateIncrease = 0 } };
        Assert.Equal(CanaryDecisionKind.Fail, CanaryAnalysis.Decide(canary, noMargin, 0, 0, baseline).Kind);
    }

    [Fact]
    public void Decide_LargeDifferenceOnASmallSample_NotSignificant_Promotes_WhereTheFixedMarginFails()
    {
        // 2 errors in 50 (4%) against 10 in 1,000 (1%): 3 points over, but Fisher's one-sided p = 0.108 is noise.
        var canary = new WindowSnapshot(50, 2, TimeSpan.FromMilliseconds(30));
        var baseline = new WindowSnapshot(1_000, 10, TimeSpan.FromMilliseconds(30));
        var decision = CanaryAnalysis.Decide(canary, Tested, 0, 0, baseline);
        Assert.True(decision.Kind == CanaryDecisionKind.Promote, decision.Reason);
        Assert.Equal("Fisher's exact test", decision.Evidence!.ErrorRate!.Test);
        Assert.Equal(0.10817264496346507, decision.Evidence.ErrorRate.PValue, 1e-10);
        Assert.Contains("p = 0.1082", decision.Reason, StringComparison.Ordinal);
        Assert.Equal(CanaryDecisionKind.Fail, CanaryAnalysis.Decide(canary, Compared, 0, 0, baseline).Kind);
    }

    [Fact]
    public void Decide_SignificantlyMoreErrorsOverTheMargin_Fails()
    {
        var decision = CanaryAnalysis.Decide(new WindowSnapshot(400, 24, TimeSpan.FromMilliseconds(30)), Tested, 0, 0, new WindowSnapshot(4_000, 40, TimeSpan.FromMilliseconds(30)));
        Assert.True(decision.Kind == CanaryDecisionKind.Fail, decision.Reason);
        Assert.Contains("error rate against the baseline", decision.Reason, StringComparison.Ordinal);
        Assert.True(decision.Evidence!.ErrorRate!.PValue < 0.001);
    }

    [Fact]
    public void Decide_LatencyRankTest_FailsAClearlySlowerCanary_NotASameSpeedOne()
    {
        // Requests per latency bucket, fastest first; the canary's mass sits one and two buckets higher.
        var baseline = new WindowSnapshot(1_000, 0, TimeSpan.FromMilliseconds(50)) { Latencies = [600, 300, 100, 0] };
        var slower = new WindowSnapshot(100, 0, TimeSpan.FromMilliseconds(75)) { Latencies = [10, 30, 50, 10] };
        var decision = CanaryAnalysis.Decide(slower, Tested, 0, 0, baseline);
        Assert.True(decision.Kind == CanaryDecisionKind.Fail, decision.Reason);
        Assert.Contains("latency against the baseline", decision.Reason, StringComparison.Ordinal);
        Assert.True(decision.Evidence!.Latency!.Effect > 0.7 && decision.Evidence.Latency.PValue < 1e-6, decision.Reason);

        var same = new WindowSnapshot(100, 0, TimeSpan.FromMilliseconds(50)) { Latencies = [60, 30, 10, 0] };
        var promoted = CanaryAnalysis.Decide(same, Tested, 0, 0, baseline);
        Assert.True(promoted.Kind == CanaryDecisionKind.Promote, promoted.Reason);
        Assert.Equal(0.5, promoted.Evidence!.Latency!.Effect, 1e-12);
    }

    [Fact]
    public void Decide_EqualHttpErrorRates_ButTheBusinessMetricWorse_FailsThenRollsBack()
    {
        // No HTTP error on either slot; 40% of the canary's payments failed against 3% of the baseline's.
        var canary = new WindowSnapshot(100, 0, TimeSpan.FromMilliseconds(30));
        var baseline = new WindowSnapshot(1_000, 0, TimeSpan.FromMilliseconds(30));
        var business = new BusinessReading(new BusinessCounts(Good: 15, Bad: 10), new BusinessCounts(Good: 291, Bad: 9));
        var first = CanaryAnalysis.Decide(canary, WithBusiness, 0, 0, baseline, business);
        Assert.True(first.Kind == CanaryDecisionKind.Fail, first.Reason);
        Assert.Contains("business metric against the baseline", first.Reason, StringComparison.Ordinal);
        Assert.Equal(10, first.Evidence!.Business!.Canary!.Bad);
        Assert.True(first.Evidence.Business.Test!.PValue < 0.001, first.Reason);
        Assert.Equal(CanaryDecisionKind.RollBack, CanaryAnalysis.Decide(canary, WithBusiness, 0, first.Failures, baseline, business).Kind);
        // Without the business metric the same canary is healthy: HTTP status alone cannot see it.
        Assert.Equal(CanaryDecisionKind.Promote, CanaryAnalysis.Decide(canary, Tested, 0, 0, baseline).Kind);
    }

    [Fact]
    public void Decide_BusinessMetricNotReadOrTooFewOutcomes_Holds_AndSameShare_Promotes()
    {
        var canary = new WindowSnapshot(100, 0, TimeSpan.FromMilliseconds(30));
        var baseline = new WindowSnapshot(1_000, 0, TimeSpan.FromMilliseconds(30));
        var unread = CanaryAnalysis.Decide(canary, WithBusiness, 0, 0, baseline, new BusinessReading(null, null, "green's http://x/metrics did not answer"));
        Assert.Equal(CanaryDecisionKind.Hold, unread.Kind);
        Assert.Contains("did not answer", unread.Reason, StringComparison.Ordinal);
        Assert.Equal(CanaryDecisionKind.Hold, CanaryAnalysis.Decide(canary, WithBusiness, 0, 0, baseline).Kind);
        var few = CanaryAnalysis.Decide(canary, WithBusiness, 0, 0, baseline, new BusinessReading(new BusinessCounts(10, 0), new BusinessCounts(300, 3)));
        Assert.Equal(CanaryDecisionKind.Hold, few.Kind);
        Assert.Contains("20 needed on each", few.Reason, StringComparison.Ordinal);
        var same = CanaryAnalysis.Decide(canary, WithBusiness, 0, 0, baseline, new BusinessReading(new BusinessCounts(97, 3), new BusinessCounts(970, 30)));
        Assert.True(same.Kind == CanaryDecisionKind.Promote, same.Reason);
    }

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
