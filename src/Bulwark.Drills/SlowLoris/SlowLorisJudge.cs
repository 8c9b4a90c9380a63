using Bulwark.Drills.Load;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.SlowLoris;

/// <summary>What Slow-Loris measured.</summary>
/// <param name="Opened">Slow connections opened.</param>
/// <param name="FailedToOpen">Slow connections the server refused or reset at connect.</param>
/// <param name="ClosedByServer">Slow connections the server closed during the attack.</param>
/// <param name="MedianCutoff">Median time from opening to the server closing a slow connection; null if none was closed.</param>
/// <param name="Attack">How long the attack ran.</param>
/// <param name="Probes">Normal users' requests during the attack.</param>
/// <param name="SlowCalls">Calls needing the slowed dependency; null when no dependency was slowed.</param>
public sealed record SlowLorisMeasurements(
    int Opened,
    int FailedToOpen,
    int ClosedByServer,
    TimeSpan? MedianCutoff,
    TimeSpan Attack,
    LoadStatistics Probes,
    LoadStatistics? SlowCalls);

/// <summary>Slow-Loris's verdict rules, pure so they can be tested without a network.</summary>
public static class SlowLorisJudge
{
    /// <summary>
    /// Passed when normal users kept their success rate and p99, the server cut the slow connections (when the attack
    /// outlasted its expected header timeout), and calls needing the slowed dependency gave up within their budget.
    /// </summary>
    public static DrillVerdict Judge(SlowLorisMeasurements measured, SlowLorisOptions options)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(options);
        var probes = measured.Probes;
        if (measured.Opened == 0 || probes.Sent == 0)
        {
            return DrillVerdict.Inconclusive("No slow connection could be opened or no normal request was sent, so there is nothing to judge.");
        }

        var success = (double)probes.CountOf(200) / probes.Sent;
        var stillOpen = measured.Opened - measured.ClosedByServer;
        var cutoffJudged = measured.Attack >= options.HeaderTimeoutExpected + options.CutoffGrace;
        var figures = new List<DrillFigure>
        {
            DrillFigure.Info("slow connections opened", measured.Opened, "connections"),
            DrillFigure.Info("slow connections refused at connect", measured.FailedToOpen, "connections"),
            DrillFigure.Info("slow connections closed by the server", measured.ClosedByServer, "connections"),
            DrillFigure.Info("median time until the server cut one", measured.MedianCutoff?.TotalSeconds ?? -1, "s"),
            cutoffJudged
                ? DrillFigure.AtMost("slow connections still open at the end", stillOpen, "connections", 0)
                : DrillFigure.Info("slow connections still open at the end", stillOpen, "connections"),
            DrillFigure.Info("normal requests", probes.Sent, "requests"),
            DrillFigure.AtLeast("normal requests answered 200", success * 100, "%", options.ProbeMinSuccessRate * 100),
            DrillFigure.Info("normal p50", probes.P50.TotalMilliseconds, "ms"),
            DrillFigure.AtMost("normal p99", probes.P99.TotalMilliseconds, "ms", options.ProbeP99Threshold.TotalMilliseconds),
        };
        var failures = new List<string>();
        var findings = new List<string>();
        if (success < options.ProbeMinSuccessRate)
        {
            failures.Add($"Normal users were turned away: only {success:P1} of {probes.Sent} answered 200 ({PlugPull.PlugPullJudge.Histogram(probes)}).");
        }

        if (probes.P99 > options.ProbeP99Threshold)
        {
            failures.Add($"Normal users slowed: p99 {probes.P99.TotalMilliseconds:F0} ms over {options.ProbeP99Threshold.TotalMilliseconds:F0} ms.");
        }

        if (cutoffJudged && stillOpen > 0)
        {
            failures.Add($"{stillOpen} slow connection(s) were held for the whole {measured.Attack.TotalSeconds:F0} s: the server has no (or a too long) request-headers timeout.");
        }
        else if (!cutoffJudged)
        {
            findings.Add($"The attack ran {measured.Attack.TotalSeconds:F0} s, shorter than the expected header timeout + grace ({(options.HeaderTimeoutExpected + options.CutoffGrace).TotalSeconds:F0} s), so the server's cut-off was measured but not judged.");
        }

        if (measured.SlowCalls is { Sent: > 0 } slow)
        {
            figures.Add(DrillFigure.Info("calls to the slowed dependency", slow.Sent, "requests"));
            figures.Add(DrillFigure.Info("calls to the slowed dependency p50", slow.P50.TotalMilliseconds, "ms"));
            figures.Add(DrillFigure.AtMost("calls to the slowed dependency p99", slow.P99.TotalMilliseconds, "ms", options.SlowCallP99Threshold.TotalMilliseconds));
            if (slow.P99 > options.SlowCallP99Threshold)
            {
                failures.Add($"Calls needing '{options.SlowDependency}' waited p99 {slow.P99.TotalSeconds:F1} s for it (budget {options.SlowCallP99Threshold.TotalSeconds:F0} s): no timeout budget, each one held a request slot the whole time.");
                findings.Add($"Give calls to '{options.SlowDependency}' a deadline and a circuit breaker (patterns 06, 01): fail in {options.SlowCallP99Threshold.TotalSeconds:F0} s or less, then fail at once while the breaker is open.");
            }
        }
        else
        {
            findings.Add($"No '{options.SlowDependency}' switch was given, so the slow-dependency half of the question was not exercised.");
        }

        return DrillVerdict.FromChecks(
            $"Normal users kept {success:P1} × 200 at p99 {probes.P99.TotalMilliseconds:F0} ms under {measured.Opened} slow connections; the server cut {measured.ClosedByServer} of them.",
            failures,
            figures,
            findings);
    }
}
