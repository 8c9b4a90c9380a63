using System.Globalization;
using System.Text.Json.Serialization;

namespace Bulwark.Edge.Release;

/// <summary>
/// The canary analysis rules, pure so they are tested without a network (semantics after Flagger and Argo Rollouts):
/// too small a sample holds (it is not a pass and not a failure); a breach counts a failure; at the failure limit the
/// canary is rolled back; a healthy step promotes to the next weight, and a healthy last step completes the release.
/// </summary>
public static class CanaryAnalysis
{
    /// <summary>Decides what the canary's current step leads to.</summary>
    /// <param name="canary">The canary's requests since the step began.</param>
    /// <param name="options">Thresholds, minimum sample, failure limit and steps.</param>
    /// <param name="step">The current step's index in <see cref="CanaryOptions.Steps"/>.</param>
    /// <param name="failures">Failed analyses so far in this rollout.</param>
    /// <param name="baseline">The live slot's requests over the same step, for <see cref="CanaryOptions.Baseline"/>; null when unknown.</param>
    /// <param name="business">Both slots' business counters over the step, for <see cref="CanaryOptions.Business"/>; null when not read.</param>
    /// <returns>The decision, the figures behind it and the tests' evidence.</returns>
    public static CanaryDecision Decide(WindowSnapshot canary, CanaryOptions options, int step, int failures, WindowSnapshot? baseline = null, BusinessReading? business = null)
    {
        ArgumentNullException.ThrowIfNull(canary);
        ArgumentNullException.ThrowIfNull(options);
        var figures = string.Create(CultureInfo.InvariantCulture, $"{canary.Requests} requests, error rate {canary.ErrorRate:P2} (max {options.MaxErrorRate:P2}), p99 {Ms(canary.P99)} (max {Ms(options.MaxP99)})");
        var breaches = new List<string>();
        if (canary.Requests > 0 && canary.ErrorRate > options.MaxErrorRate)
        {
            breaches.Add("error rate");
        }

        if (canary.P99 > options.MaxP99)
        {
            breaches.Add("p99");
        }

        var comparison = options.Baseline;
        ProportionComparison? errorTest = null;
        RankComparison? latencyTest = null;
        if (comparison.Enabled)
        {
            if (baseline is null || baseline.Requests < options.MinSample)
            {
                figures += string.Create(CultureInfo.InvariantCulture, $"; baseline sample too small to compare ({baseline?.Requests ?? 0} of {options.MinSample} requests): thresholds only");
            }
            else if (comparison.Method == BaselineComparisonMethod.FixedMargin)
            {
                var allowedP99 = baseline.P99 is { } p99 && p99 != TimeSpan.MaxValue ? p99 * comparison.MaxP99Ratio + comparison.P99Slack : (TimeSpan?)null;
                figures += string.Create(CultureInfo.InvariantCulture, $"; baseline {baseline.Requests} requests, error rate {baseline.ErrorRate:P2}, p99 {Ms(baseline.P99)} (canary allowed {(baseline.ErrorRate + comparison.MaxErrorRateIncrease):P2}, {Ms(allowedP99)})");
                if (canary.Requests > 0 && canary.ErrorRate > baseline.ErrorRate + comparison.MaxErrorRateIncrease)
                {
                    breaches.Add("error rate against the baseline");
                }

                if (allowedP99 is { } allowed && canary.Requests >= options.MinSample && canary.P99 > allowed)
                {
                    breaches.Add("p99 against the baseline");
                }
            }
            else
            {
                figures += string.Create(CultureInfo.InvariantCulture, $"; baseline {baseline.Requests} requests, error rate {baseline.ErrorRate:P2}, p99 {Ms(baseline.P99)}");
                if (canary.Requests > 0)
                {
                    errorTest = CanaryStatistics.CompareProportions(canary.Errors, canary.Requests, baseline.Errors, baseline.Requests);
                    figures += string.Create(CultureInfo.InvariantCulture, $"; error rate {Points(errorTest.Difference)} against the baseline, p = {P(errorTest.PValue)} ({errorTest.Test}; worse when p < {comparison.Alpha} and over {Points(comparison.MaxErrorRateIncrease)})");
                    if (errorTest.PValue < comparison.Alpha && errorTest.Difference > comparison.MaxErrorRateIncrease)
                    {
                        breaches.Add("error rate against the baseline");
                    }
                }

                if (canary.Requests >= options.MinSample && canary.Latencies.Count > 0 && canary.Latencies.Count == baseline.Latencies.Count)
                {
                    latencyTest = CanaryStatistics.CompareRanks(canary.Latencies, baseline.Latencies);
                    figures += string.Create(CultureInfo.InvariantCulture, $"; latency slower in {latencyTest.Effect:P1} of pairs, p = {P(latencyTest.PValue)} (Mann-Whitney U; worse when p < {comparison.Alpha} and over {0.5 + comparison.LatencyMargin:P1})");
                    if (latencyTest.PValue < comparison.Alpha && latencyTest.Effect - 0.5 > comparison.LatencyMargin)
                    {
                        breaches.Add("latency against the baseline");
                    }
                }
            }
        }

        var (businessEvidence, businessHold) = JudgeBusiness(options, business, breaches, ref figures);
        var evidence = new CanaryEvidence(comparison.Enabled ? comparison.Method : null, comparison.Alpha, errorTest, latencyTest, businessEvidence);

        // A breach on a small sample still counts: 5 errors in 10 requests is news, and waiting would expose more customers.
        // Only a clean small sample holds, since it proves nothing yet.
        if (breaches.Count > 0)
        {
            var count = failures + 1;
            return count >= options.FailureLimit
                ? new CanaryDecision(CanaryDecisionKind.RollBack, $"{string.Join(" and ", breaches)} over the threshold; failure {count} of {options.FailureLimit}: roll back. {figures}", step, count) { Evidence = evidence }
                : new CanaryDecision(CanaryDecisionKind.Fail, $"{string.Join(" and ", breaches)} over the threshold; failure {count} of {options.FailureLimit}: stay at this step. {figures}", step, count) { Evidence = evidence };
        }

        if (canary.Requests < options.MinSample)
        {
            return new CanaryDecision(CanaryDecisionKind.Hold, $"Sample too small to judge ({canary.Requests} of {options.MinSample} requests): hold. {figures}", step, failures) { Evidence = evidence };
        }

        if (businessHold is { } why)
        {
            return new CanaryDecision(CanaryDecisionKind.Hold, $"Business metric not judged yet ({why}): hold. {figures}", step, failures) { Evidence = evidence };
        }

        return step + 1 >= options.EffectiveSteps.Count
            ? new CanaryDecision(CanaryDecisionKind.Complete, $"Healthy at the last step: the canary becomes live. {figures}", step, failures) { Evidence = evidence }
            : new CanaryDecision(CanaryDecisionKind.Promote, $"Healthy: promote to {options.EffectiveSteps[step + 1]}%. {figures}", step + 1, failures) { Evidence = evidence };
    }

    // The business metric: the canary's bad share over the step against the baseline's, by the same test and alpha.
    // A configured metric that cannot be judged yet (not read, too few outcomes) holds a clean step rather than promote blind.
    private static (BusinessEvidence? Evidence, string? Hold) JudgeBusiness(CanaryOptions options, BusinessReading? business, List<string> breaches, ref string figures)
    {
        var metric = options.Business;
        if (!metric.Enabled)
        {
            return (null, null);
        }

        if (business?.Unavailable is not null || business?.Canary is null || business.Baseline is null)
        {
            var why = business?.Unavailable ?? "the slots' counters were not read";
            figures += $"; business metric {metric.Bad}: {why}";
            return (new BusinessEvidence(metric.Bad!, null, null, null, why), why);
        }

        var (canary, baseline) = (business.Canary, business.Baseline);
        var test = CanaryStatistics.CompareProportions(canary.Bad, canary.Total, baseline.Bad, baseline.Total);
        figures += string.Create(CultureInfo.InvariantCulture, $"; business metric {metric.Bad}: canary {canary.Bad} of {canary.Total} ({test.CanaryRate:P2}), baseline {baseline.Bad} of {baseline.Total} ({test.BaselineRate:P2}), p = {P(test.PValue)} ({test.Test}; worse when p < {options.Baseline.Alpha} and over {Points(metric.MaxBadRateIncrease)})");
        if (test.PValue < options.Baseline.Alpha && test.Difference > metric.MaxBadRateIncrease)
        {
            breaches.Add("business metric against the baseline");
        }

        var hold = canary.Total < metric.MinEvents || baseline.Total < metric.MinEvents
            ? string.Create(CultureInfo.InvariantCulture, $"{canary.Total} canary and {baseline.Total} baseline outcomes, {metric.MinEvents} needed on each")
            : null;
        return (new BusinessEvidence(metric.Bad!, canary, baseline, test, hold), hold);
    }

    private static string P(double p) => p.ToString(p is > 0 and < 0.0001 ? "0.#E+0" : "0.####", CultureInfo.InvariantCulture);

    private static string Points(double share) => string.Create(CultureInfo.InvariantCulture, $"{share * 100:+0.##;-0.##;0} points");

    private static string Ms(TimeSpan? value) => value is null ? "n/a" : value == TimeSpan.MaxValue ? "> 10 s" : $"{value.Value.TotalMilliseconds:0} ms";
}

/// <summary>Each slot's business outcomes over a step, as the analysis is given them.</summary>
/// <param name="Canary">The canary's good and bad outcomes since the step began; null when unknown.</param>
/// <param name="Baseline">The live slot's; null when unknown.</param>
/// <param name="Unavailable">Why they could not be read, when they could not.</param>
public sealed record BusinessReading(BusinessCounts? Canary, BusinessCounts? Baseline, string? Unavailable = null);

/// <summary>One slot's business outcomes over a step.</summary>
/// <param name="Good">Good outcomes (e.g. payments succeeded).</param>
/// <param name="Bad">Bad outcomes (e.g. payments failed).</param>
public sealed record BusinessCounts(long Good, long Bad)
{
    /// <summary>Good and bad together.</summary>
    public long Total => Good + Bad;
}

/// <summary>The statistical evidence behind a canary decision, for the decision log.</summary>
/// <param name="Method">How the baseline comparison ran; null when it is off.</param>
/// <param name="Alpha">The significance level.</param>
/// <param name="ErrorRate">The error-rate test against the baseline; null when not run.</param>
/// <param name="Latency">The latency rank test against the baseline; null when not run.</param>
/// <param name="Business">The business metric's figures and test; null when none is configured.</param>
public sealed record CanaryEvidence(BaselineComparisonMethod? Method, double Alpha, ProportionComparison? ErrorRate, RankComparison? Latency, BusinessEvidence? Business);

/// <summary>The business metric as one analysis judged it.</summary>
/// <param name="Metric">The "bad" counter's selector.</param>
/// <param name="Canary">The canary's outcomes over the step; null when not read.</param>
/// <param name="Baseline">The baseline's; null when not read.</param>
/// <param name="Test">The comparison of their bad shares; null when not run.</param>
/// <param name="Note">Why it did not judge (not read, too few outcomes); null when it did.</param>
public sealed record BusinessEvidence(string Metric, BusinessCounts? Canary, BusinessCounts? Baseline, ProportionComparison? Test, string? Note);

/// <summary>What one analysis run decided.</summary>
/// <param name="Kind">Hold, promote, complete, fail or roll back.</param>
/// <param name="Reason">Why, with the figures.</param>
/// <param name="NextStep">The step index after the decision.</param>
/// <param name="Failures">Failed analyses after the decision.</param>
public sealed record CanaryDecision(CanaryDecisionKind Kind, string Reason, int NextStep, int Failures)
{
    /// <summary>The tests' figures (p-values, effect sizes, business counts) behind the decision.</summary>
    public CanaryEvidence? Evidence { get; init; }
}

/// <summary>The kinds of canary decision.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CanaryDecisionKind>))]
public enum CanaryDecisionKind
{
    /// <summary>Too few requests to judge: stay, neither pass nor failure.</summary>
    Hold,

    /// <summary>Healthy: go to the next weight.</summary>
    Promote,

    /// <summary>Healthy at the last step: the canary becomes the live slot.</summary>
    Complete,

    /// <summary>A threshold was breached: count a failure and stay.</summary>
    Fail,

    /// <summary>The failure limit was reached: all traffic back to the live slot.</summary>
    RollBack,
}
