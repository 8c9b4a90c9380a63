using Bulwark.Drills.Model;

namespace Bulwark.Drills.BlastRadius;

/// <summary>What the canary Blast Radius drill observed.</summary>
/// <param name="Canary">The canary slot.</param>
/// <param name="Phase">The rollout's phase at the end (<c>RolledBack</c>, <c>Promoted</c>, <c>Progressing</c>).</param>
/// <param name="RolledBackByAnalysis">Whether the edge's analysis (not an operator) rolled it back.</param>
/// <param name="Decisions">The analysis decisions during the drill, in order (e.g. <c>Hold</c>, <c>Fail</c>, <c>RollBack</c>).</param>
/// <param name="EdgeRequests">Customer requests the edge counted since the rollout began.</param>
/// <param name="EdgeErrors">Those the edge saw fail (5xx or no answer).</param>
/// <param name="CustomerRequests">Requests the drill's customers sent.</param>
/// <param name="CustomerFailures">Those answered 5xx or 429, or not at all.</param>
/// <param name="Seconds">How long the canary ran before the analysis decided.</param>
/// <param name="FailureSamples">The first failures the drill's customers saw.</param>
public sealed record BlastRadiusMeasurements(
    string Canary, string Phase, bool RolledBackByAnalysis, IReadOnlyList<string> Decisions, long EdgeRequests, long EdgeErrors,
    long CustomerRequests, long CustomerFailures, double Seconds, IReadOnlyList<string> FailureSamples)
{
    /// <summary>The edge's blast radius: the share of all customer requests that saw an error.</summary>
    public double ErrorShare => EdgeRequests == 0 ? 0 : (double)EdgeErrors / EdgeRequests;
}

/// <summary>The Blast Radius drill's verdict rules, pure so they are tested without a network.</summary>
public static class BlastRadiusJudge
{
    /// <summary>Passed when the analysis rolled the bad canary back by itself and under the limit of all requests saw an error.</summary>
    public static DrillVerdict Judge(BlastRadiusMeasurements m, BlastRadiusOptions options)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(options);
        var figures = new List<DrillFigure>
        {
            DrillFigure.AtMost("customer requests that saw an error (edge)", m.ErrorShare * 100, "%", options.MaxErrorShare * 100),
            DrillFigure.Info("customer requests (edge)", m.EdgeRequests, "requests"),
            DrillFigure.Info("errors (edge)", m.EdgeErrors, "requests"),
            DrillFigure.Info("customer failures seen by the drill", m.CustomerFailures, "requests"),
            DrillFigure.Info("customer requests sent by the drill", m.CustomerRequests, "requests"),
            DrillFigure.Info("time to the decision", m.Seconds, "s"),
        };
        var failures = new List<string>();
        var findings = new List<string>();
        if (!m.RolledBackByAnalysis)
        {
            failures.Add($"The bad canary '{m.Canary}' was not rolled back by the analysis (phase {m.Phase}; decisions {string.Join(", ", m.Decisions)}).");
            findings.Add("Check Edge:Release:Canary: MaxErrorRate below the canary's error rate, a FailureLimit, and an Interval short enough for the rollout; a fault customers see as a 4xx (a declined payment) needs the business metric (Edge:Release:Canary:Business).");
        }

        if (m.ErrorShare > options.MaxErrorShare)
        {
            failures.Add($"{m.ErrorShare:P2} of all customer requests saw an error (at most {options.MaxErrorShare:P2}), e.g. {string.Join("; ", m.FailureSamples.Take(3))}.");
            findings.Add("Start canaries at a smaller first step (Edge:Release:Canary:Steps) or analyse more often, so fewer customers meet a bad build.");
        }

        return DrillVerdict.FromChecks(
            $"The analysis rolled the bad canary '{m.Canary}' back after {m.Seconds:0.#} s ({string.Join(" → ", m.Decisions)}); {m.ErrorShare:P2} of {m.EdgeRequests} customer requests saw an error.",
            failures, figures, findings);
    }
}
