namespace Bulwark.Edge.Release;

/// <summary>
/// The tests behind the canary's comparison with its baseline, pure so they are checked against textbook values: a
/// one-sided two-proportion test (Fisher's exact test when an expected cell count is under 5) for error and business
/// rates, and a one-sided Mann-Whitney U test for latency. Each asks only "is the canary worse?".
/// See <c>docs/edge.md</c>.
/// </summary>
public static class CanaryStatistics
{
    /// <summary>Below this expected count in any cell of the 2×2 table, the normal approximation is not trusted and Fisher's exact test runs.</summary>
    public const double FisherBelowExpected = 5;

    /// <summary>Compares the canary's share of bad outcomes with the baseline's: is the canary's share higher?</summary>
    /// <param name="canaryBad">Bad outcomes on the canary (errors, failed payments).</param>
    /// <param name="canaryTotal">All outcomes on the canary.</param>
    /// <param name="baselineBad">Bad outcomes on the baseline.</param>
    /// <param name="baselineTotal">All outcomes on the baseline.</param>
    /// <returns>Both rates, their difference and the one-sided p-value, with the test used.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative or a bad count exceeds its total.</exception>
    public static ProportionComparison CompareProportions(long canaryBad, long canaryTotal, long baselineBad, long baselineTotal)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(canaryBad);
        ArgumentOutOfRangeException.ThrowIfNegative(baselineBad);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(canaryBad, canaryTotal);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(baselineBad, baselineTotal);
        double n1 = canaryTotal, n2 = baselineTotal;
        var rate1 = canaryTotal == 0 ? 0 : canaryBad / n1;
        var rate2 = baselineTotal == 0 ? 0 : baselineBad / n2;
        if (canaryTotal == 0 || baselineTotal == 0)
        {
            return new ProportionComparison(rate1, rate2, rate1 - rate2, 1, "none (an empty sample)");
        }

        var n = n1 + n2;
        var bad = (double)canaryBad + baselineBad;
        var good = n - bad;
        var smallestExpected = Math.Min(Math.Min(n1, n2) * bad / n, Math.Min(n1, n2) * good / n);
        if (bad == 0 || good == 0)
        {
            // Nothing bad anywhere, or everything bad everywhere: the slots cannot differ.
            return new ProportionComparison(rate1, rate2, rate1 - rate2, 1, "none (no variation)");
        }

        if (smallestExpected < FisherBelowExpected)
        {
            return new ProportionComparison(rate1, rate2, rate1 - rate2, FisherUpperTail(canaryBad, canaryTotal, baselineBad + canaryBad, canaryTotal + baselineTotal), "Fisher's exact test");
        }

        var pooled = bad / n;
        var z = (rate1 - rate2) / Math.Sqrt(pooled * (1 - pooled) * ((1 / n1) + (1 / n2)));
        return new ProportionComparison(rate1, rate2, rate1 - rate2, NormalUpperTail(z), "two-proportion z-test");
    }

    /// <summary>
    /// Mann-Whitney U over latencies grouped in ordered buckets (the edge's histogram; every request counts, and requests
    /// in one bucket are ties): is the canary slower? Counts are per bucket, fastest first, the same buckets on both sides.
    /// </summary>
    /// <param name="canary">The canary's requests per bucket.</param>
    /// <param name="baseline">The baseline's requests per bucket.</param>
    /// <returns>U for the canary, the effect size (probability a canary request is slower, ties half) and the one-sided p-value.</returns>
    /// <exception cref="ArgumentException">The two lists differ in length or hold a negative count.</exception>
    public static RankComparison CompareRanks(IReadOnlyList<long> canary, IReadOnlyList<long> baseline)
    {
        ArgumentNullException.ThrowIfNull(canary);
        ArgumentNullException.ThrowIfNull(baseline);
        if (canary.Count != baseline.Count || canary.Concat(baseline).Any(c => c < 0))
        {
            throw new ArgumentException($"Both sides need the same buckets ({canary.Count} against {baseline.Count}) and no negative count.", nameof(baseline));
        }

        double n1 = canary.Sum(), n2 = baseline.Sum();
        if (n1 == 0 || n2 == 0)
        {
            return new RankComparison((long)n1, (long)n2, 0, 0.5, 1);
        }

        // Ranks by bucket: a bucket of t tied values takes the mean rank of the positions it covers.
        double below = 0, rankSum1 = 0, ties = 0;
        for (var i = 0; i < canary.Count; i++)
        {
            double t = canary[i] + baseline[i];
            if (t == 0)
            {
                continue;
            }

            var meanRank = below + ((t + 1) / 2);
            rankSum1 += canary[i] * meanRank;
            ties += (t * t * t) - t;
            below += t;
        }

        var n = n1 + n2;
        var u = rankSum1 - (n1 * (n1 + 1) / 2);
        var mean = n1 * n2 / 2;
        var variance = n1 * n2 / 12 * ((n + 1) - (ties / (n * (n - 1))));
        var effect = u / (n1 * n2);
        if (variance <= 0)
        {
            // Every request in one bucket: no evidence either way.
            return new RankComparison((long)n1, (long)n2, u, effect, 1);
        }

        // Continuity correction of one half towards the null, as the normal approximation of a discrete U needs.
        var z = (u - mean - 0.5) / Math.Sqrt(variance);
        return new RankComparison((long)n1, (long)n2, u, effect, NormalUpperTail(z));
    }

    /// <summary>Mann-Whitney U over two lists of values (each distinct value its own bucket); see <see cref="CompareRanks(IReadOnlyList{long}, IReadOnlyList{long})"/>.</summary>
    /// <param name="canary">The canary's values.</param>
    /// <param name="baseline">The baseline's values.</param>
    /// <returns>U, the effect size and the one-sided p-value that the canary's values are larger.</returns>
    public static RankComparison CompareRanks(IReadOnlyList<double> canary, IReadOnlyList<double> baseline)
    {
        ArgumentNullException.ThrowIfNull(canary);
        ArgumentNullException.ThrowIfNull(baseline);
        var values = canary.Concat(baseline).Distinct().Order().ToList();
        var index = values.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i);
        var c = new long[values.Count];
        var b = new long[values.Count];
        foreach (var v in canary)
        {
            c[index[v]]++;
        }

        foreach (var v in baseline)
        {
            b[index[v]]++;
        }

        return CompareRanks(c, b);
    }

    /// <summary>P(Z ≥ z) for a standard normal Z.</summary>
    /// <param name="z">The statistic.</param>
    /// <returns>The upper tail probability.</returns>
    public static double NormalUpperTail(double z) => 0.5 * Erfc(z / Math.Sqrt(2));

    /// <summary>
    /// One-sided Fisher's exact test: the probability, with all margins fixed, of at least <paramref name="canaryBad"/>
    /// bad outcomes on the canary (hypergeometric upper tail).
    /// </summary>
    /// <param name="canaryBad">Bad outcomes on the canary.</param>
    /// <param name="canaryTotal">The canary's sample size.</param>
    /// <param name="bad">Bad outcomes on both slots.</param>
    /// <param name="total">Both slots' sample sizes together.</param>
    /// <returns>The one-sided p-value.</returns>
    public static double FisherUpperTail(long canaryBad, long canaryTotal, long bad, long total)
    {
        var low = Math.Max(0, canaryTotal + bad - total);
        var high = Math.Min(bad, canaryTotal);
        // Log-weights relative to the lowest count, by the ratio of consecutive hypergeometric terms; normalised at the
        // end, so no factorial of a large sample is ever formed.
        var logs = new double[high - low + 1];
        for (var x = low; x < high; x++)
        {
            logs[x - low + 1] = logs[x - low] + Math.Log((double)(bad - x) * (canaryTotal - x) / ((double)(x + 1) * (total - bad - canaryTotal + x + 1)));
        }

        var max = logs.Max();
        double all = 0, tail = 0;
        for (var x = low; x <= high; x++)
        {
            var w = Math.Exp(logs[x - low] - max);
            all += w;
            if (x >= canaryBad)
            {
                tail += w;
            }
        }

        return Math.Min(1, tail / all);
    }

    // The complementary error function: its power series where it converges quickly, a continued fraction in the tail
    // (relative error near 1e-10 over the range the tests use; p-values far below any alpha need no more).
    private static double Erfc(double x)
    {
        if (x < 0)
        {
            return 2 - Erfc(-x);
        }

        if (x < 3)
        {
            double term = x, sum = x;
            for (var k = 1; k < 200 && Math.Abs(term) > 1e-17 * Math.Abs(sum); k++)
            {
                term *= -x * x / k;
                sum += term / ((2 * k) + 1);
            }

            return 1 - (2 / Math.Sqrt(Math.PI) * sum);
        }

        // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated from the far end.
        var fraction = x;
        for (var k = 80; k >= 1; k--)
        {
            fraction = x + (k / 2.0 / fraction);
        }

        return Math.Exp(-x * x) / (Math.Sqrt(Math.PI) * fraction);
    }
}

/// <summary>Two shares of bad outcomes compared.</summary>
/// <param name="CanaryRate">The canary's share (0 to 1).</param>
/// <param name="BaselineRate">The baseline's share.</param>
/// <param name="Difference">Canary minus baseline: the effect size, in share points.</param>
/// <param name="PValue">The one-sided p-value that the canary's share is higher.</param>
/// <param name="Test">Which test gave it.</param>
public sealed record ProportionComparison(double CanaryRate, double BaselineRate, double Difference, double PValue, string Test);

/// <summary>Two latency samples compared by rank.</summary>
/// <param name="CanaryCount">Canary requests.</param>
/// <param name="BaselineCount">Baseline requests.</param>
/// <param name="U">The canary's Mann-Whitney U.</param>
/// <param name="Effect">U ÷ (n₁n₂): the probability a canary request is slower than a baseline one (ties half); 0.5 = no difference.</param>
/// <param name="PValue">The one-sided p-value that the canary is slower.</param>
public sealed record RankComparison(long CanaryCount, long BaselineCount, double U, double Effect, double PValue);
