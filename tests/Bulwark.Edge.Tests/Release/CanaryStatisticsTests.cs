using Bulwark.Edge.Release;

namespace Bulwark.Edge.Tests.Release;

/// <summary>The canary's tests against textbook values (reference figures from exact sums and the standard normal tail).</summary>
public sealed class CanaryStatisticsTests
{
    [Theory]
    [InlineData(0, 0.5)]
    [InlineData(1.96, 0.024997895148220435)]
    [InlineData(-1, 0.8413447460685429)]
    [InlineData(5, 2.866515718791946e-07)]
    public void NormalUpperTail_MatchesTheStandardNormal(double z, double expected)
    {
        Assert.Equal(expected, CanaryStatistics.NormalUpperTail(z), expected * 1e-7);
    }

    [Fact]
    public void CompareProportions_LargeCounts_IsTheTwoProportionZTest()
    {
        // 20 of 100 against 10 of 100: pooled 0.15, z = 0.1 / √(0.15 · 0.85 · 0.02) = 1.9803, one-sided p = 0.02384.
        var result = CanaryStatistics.CompareProportions(20, 100, 10, 100);
        Assert.Equal("two-proportion z-test", result.Test);
        Assert.Equal(0.1, result.Difference, 1e-12);
        Assert.Equal(0.02383519032808072, result.PValue, 1e-8);
    }

    [Fact]
    public void CompareProportions_SmallCounts_IsFishersExactTest()
    {
        // Fisher's lady tasting tea: 3 of the 4 cups right, one-sided p = 17/70.
        var tea = CanaryStatistics.CompareProportions(3, 4, 1, 4);
        Assert.Equal("Fisher's exact test", tea.Test);
        Assert.Equal(17.0 / 70, tea.PValue, 1e-12);
        // 5 errors in 20 canary requests against none in 200: Σ C(5,x)C(215,20-x)/C(220,20) for x = 5 = 3.779e-6.
        Assert.Equal(3.7790986722136816e-06, CanaryStatistics.CompareProportions(5, 20, 0, 200).PValue, 1e-14);
        // 2 of 10 against 1 of 30: p = 0.1488, noise at this size.
        Assert.Equal(0.14878542510121456, CanaryStatistics.CompareProportions(2, 10, 1, 30).PValue, 1e-10);
    }

    [Fact]
    public void CompareProportions_CanaryBetterOrNothingBad_IsNotSignificant()
    {
        Assert.True(CanaryStatistics.CompareProportions(10, 1000, 50, 1000).PValue > 0.99);
        Assert.Equal(1, CanaryStatistics.CompareProportions(0, 1000, 0, 1000).PValue);
        Assert.Equal(1, CanaryStatistics.CompareProportions(0, 0, 5, 100).PValue);
        Assert.Throws<ArgumentOutOfRangeException>(() => CanaryStatistics.CompareProportions(5, 4, 0, 10));
    }

    [Fact]
    public void CompareRanks_Textbook_MatchesUAndTheNormalApproximation()
    {
        // 5 canary values against 4 baseline values: 17 of the 20 pairs have the canary larger, so U = 17 and the effect
        // 0.85; the exact one-sided p is 7/126 = 0.0556, the continuity-corrected normal one 0.05567.
        var result = CanaryStatistics.CompareRanks([19.0, 22, 16, 29, 24], [20.0, 11, 17, 12]);
        Assert.Equal(17, result.U);
        Assert.Equal(0.85, result.Effect, 1e-12);
        Assert.Equal(0.05567344326657024, result.PValue, 1e-8);
    }

    [Fact]
    public void CompareRanks_Ties_UseMidRanksAndTheTieCorrection()
    {
        // Ties across the samples: U = 20.5 (ties count half), variance corrected for the three tied pairs.
        var result = CanaryStatistics.CompareRanks([3.0, 4, 5, 6, 7], [1.0, 2, 3, 4, 5]);
        Assert.Equal(20.5, result.U);
        Assert.Equal(0.82, result.Effect, 1e-12);
        Assert.Equal(0.05692314900332906, result.PValue, 1e-8);
    }

    [Fact]
    public void CompareRanks_SameDistribution_IsNotSignificant_AndOneBucket_IsNoEvidence()
    {
        var same = CanaryStatistics.CompareRanks([0L, 50, 30, 20], [0L, 500, 300, 200]);
        Assert.Equal(0.5, same.Effect, 1e-12);
        Assert.True(same.PValue > 0.4, $"p = {same.PValue}");
        Assert.Equal(1, CanaryStatistics.CompareRanks([0L, 40, 0], [0L, 400, 0]).PValue);
        Assert.Throws<ArgumentException>(() => CanaryStatistics.CompareRanks([1L, 2], [1L]));
    }
}
