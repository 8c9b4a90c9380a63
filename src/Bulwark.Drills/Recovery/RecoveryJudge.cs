using Bulwark.Drills.Model;

namespace Bulwark.Drills.Recovery;

/// <summary>What the Recovery drill measured.</summary>
/// <param name="CallsDuringOutage">Client calls started while the dependency was down.</param>
/// <param name="FailedDuringOutage">Of those, the ones that did not succeed.</param>
/// <param name="CallsAfterRestore">Client calls started in the recovery window.</param>
/// <param name="DependencyRequestsAfterRestore">Requests that reached the dependency in the recovery window.</param>
/// <param name="TimeToFirstSuccess">From restoring the dependency to the first successful call's answer; null if none.</param>
public sealed record RecoveryMeasurements(
    int CallsDuringOutage,
    int FailedDuringOutage,
    int CallsAfterRestore,
    long DependencyRequestsAfterRestore,
    TimeSpan? TimeToFirstSuccess);

/// <summary>Recovery's verdict rules, pure so they can be tested without a network.</summary>
public static class RecoveryJudge
{
    /// <summary>
    /// Passed when, after the dependency returns, the requests reaching it per client call stay within the
    /// amplification threshold (no retry storm) and calls succeed again within the recovery threshold.
    /// </summary>
    public static DrillVerdict Judge(RecoveryMeasurements measured, RecoveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(options);
        if (measured.CallsAfterRestore == 0 || measured.CallsDuringOutage == 0)
        {
            return DrillVerdict.Inconclusive("No client call was made during the outage or after it, so there is nothing to compare.");
        }

        if (measured.FailedDuringOutage == 0)
        {
            return DrillVerdict.Inconclusive($"Every call succeeded while '{options.Dependency}' was supposed to be down: the outage did not take.");
        }

        var amplification = (double)measured.DependencyRequestsAfterRestore / measured.CallsAfterRestore;
        var recovery = measured.TimeToFirstSuccess?.TotalMilliseconds;
        var figures = new List<DrillFigure>
        {
            DrillFigure.Info("client calls during the outage", measured.CallsDuringOutage, "requests"),
            DrillFigure.Info("of which failed", measured.FailedDuringOutage, "requests"),
            DrillFigure.Info("client calls after the dependency returned", measured.CallsAfterRestore, "requests"),
            DrillFigure.Info("requests reaching the dependency after it returned", measured.DependencyRequestsAfterRestore, "requests"),
            DrillFigure.AtMost("amplification (dependency requests per client call)", amplification, "×", options.MaxAmplification),
            DrillFigure.AtMost("time to the first success after it returned", recovery ?? -1, "ms", options.RecoverWithin.TotalMilliseconds),
        };
        var failures = new List<string>();
        var findings = new List<string>();
        if (amplification > options.MaxAmplification)
        {
            failures.Add($"Retry storm: {measured.DependencyRequestsAfterRestore} requests hit '{options.Dependency}' for {measured.CallsAfterRestore} client calls ({amplification:F1}×) right after it came back.");
            findings.Add("Retry with capped exponential backoff and jitter, and a retry budget (pattern 03); let a half-open circuit breaker admit one probe (pattern 01).");
        }

        if (recovery is null || recovery > options.RecoverWithin.TotalMilliseconds)
        {
            failures.Add(recovery is null
                ? $"No call succeeded in the {options.RecoveryWindow.TotalSeconds:F0} s after '{options.Dependency}' returned."
                : $"Calls took {recovery:F0} ms to succeed again after '{options.Dependency}' returned (threshold {options.RecoverWithin.TotalMilliseconds:F0} ms).");
        }

        if (amplification <= 1.05)
        {
            findings.Add("No retries at all (≈1 request per call): recovery cannot storm, but every transient blip fails a customer's call. Add bounded retries with backoff + jitter and re-run: amplification must stay under the threshold.");
        }

        return DrillVerdict.FromChecks(
            $"No retry storm: {amplification:F2} dependency requests per client call after '{options.Dependency}' returned, first success {recovery:F0} ms after it.",
            failures,
            figures,
            findings);
    }
}
