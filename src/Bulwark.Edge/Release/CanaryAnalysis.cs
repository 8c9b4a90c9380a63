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
    /// <returns>The decision and the figures behind it.</returns>
    public static CanaryDecision Decide(WindowSnapshot canary, CanaryOptions options, int step, int failures, WindowSnapshot? baseline = null)
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
        if (comparison.Enabled)
        {
            if (baseline is null || baseline.Requests < options.MinSample)
            {
                figures += string.Create(CultureInfo.InvariantCulture, $"; baseline sample too small to compare ({baseline?.Requests ?? 0} of {options.MinSample} requests): thresholds only");
            }
            else
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
        }

        // A breach on a small sample still counts: 5 errors in 10 requests is news, and waiting would expose more customers.
        // Only a clean small sample holds, since it proves nothing yet.
        if (breaches.Count > 0)
        {
            var count = failures + 1;
            return count >= options.FailureLimit
                ? new CanaryDecision(CanaryDecisionKind.RollBack, $"{string.Join(" and ", breaches)} over the threshold; failure {count} of {options.FailureLimit}: roll back. {figures}", step, count)
                : new CanaryDecision(CanaryDecisionKind.Fail, $"{string.Join(" and ", breaches)} over the threshold; failure {count} of {options.FailureLimit}: stay at this step. {figures}", step, count);
        }

        if (canary.Requests < options.MinSample)
        {
            return new CanaryDecision(CanaryDecisionKind.Hold, $"Sample too small to judge ({canary.Requests} of {options.MinSample} requests): hold. {figures}", step, failures);
        }

        return step + 1 >= options.EffectiveSteps.Count
            ? new CanaryDecision(CanaryDecisionKind.Complete, $"Healthy at the last step: the canary becomes live. {figures}", step, failures)
            : new CanaryDecision(CanaryDecisionKind.Promote, $"Healthy: promote to {options.EffectiveSteps[step + 1]}%. {figures}", step + 1, failures);
    }

    private static string Ms(TimeSpan? value) => value is null ? "n/a" : value == TimeSpan.MaxValue ? "> 10 s" : $"{value.Value.TotalMilliseconds:0} ms";
}

/// <summary>What one analysis run decided.</summary>
/// <param name="Kind">Hold, promote, complete, fail or roll back.</param>
/// <param name="Reason">Why, with the figures.</param>
/// <param name="NextStep">The step index after the decision.</param>
/// <param name="Failures">Failed analyses after the decision.</param>
public sealed record CanaryDecision(CanaryDecisionKind Kind, string Reason, int NextStep, int Failures);

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
