using Bulwark.Drills.Model;

namespace Bulwark.Drills.Drift;

/// <summary>What the Drift drill observed.</summary>
/// <param name="ReleaseId">The release id the instance reported before the change.</param>
/// <param name="TamperedFile">The file the drill changed.</param>
/// <param name="TimeToDetect">From the change to the first report naming the file; null if none came in time.</param>
/// <param name="DriftMetric">The <c>bulwark_release_drift</c> value scraped after detection (or after the wait); null if absent.</param>
/// <param name="ReleaseCheckOnReadiness">The <c>release</c> check's status on readiness after the wait (e.g. <c>Degraded</c>); null if absent.</param>
public sealed record DriftMeasurements(
    string ReleaseId,
    string TamperedFile,
    TimeSpan? TimeToDetect,
    double? DriftMetric,
    string? ReleaseCheckOnReadiness);

/// <summary>Drift's verdict rules, pure so they can be tested without a network.</summary>
public static class DriftJudge
{
    /// <summary>
    /// Passed when the change was reported on the release report within the threshold, the drift gauge counts it, and
    /// readiness shows the <c>release</c> check degraded; failed when any of the three is missing.
    /// </summary>
    public static DrillVerdict Judge(DriftMeasurements measured, DriftOptions options)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(options);
        var figures = new List<DrillFigure>
        {
            DrillFigure.AtMost("time to report the changed file", measured.TimeToDetect?.TotalMilliseconds ?? -1, "ms", options.DetectWithin.TotalMilliseconds),
            DrillFigure.AtLeast("bulwark_release_drift after the change", measured.DriftMetric ?? 0, "files", 1),
        };
        var failures = new List<string>();
        var findings = new List<string>();
        if (measured.TimeToDetect is null || measured.TimeToDetect > options.DetectWithin)
        {
            failures.Add($"{measured.TamperedFile} was changed under release {measured.ReleaseId} and the instance did not report it within {options.DetectWithin.TotalSeconds:F0} s: a patched instance keeps serving as if it were the release.");
            findings.Add("Turn drift detection on (Bulwark:Release:DetectDrift=true) with a check interval shorter than the threshold, and replace drifted instances instead of patching them.");
        }

        if (measured.DriftMetric is not > 0)
        {
            failures.Add(measured.DriftMetric is null
                ? "No bulwark_release_drift series was scraped: no alert can fire on drift."
                : "bulwark_release_drift stayed 0: the ReleaseDrift alert would not fire.");
        }

        if (!string.Equals(measured.ReleaseCheckOnReadiness, "Degraded", StringComparison.Ordinal))
        {
            failures.Add($"Readiness showed the release check as {measured.ReleaseCheckOnReadiness ?? "absent"}, not Degraded.");
        }

        return DrillVerdict.FromChecks(
            $"{measured.TamperedFile} changed under release {measured.ReleaseId}: reported after {measured.TimeToDetect?.TotalMilliseconds:F0} ms, bulwark_release_drift = {measured.DriftMetric}, readiness shows the release check degraded.",
            failures,
            figures,
            findings);
    }
}
