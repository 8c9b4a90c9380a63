using Bulwark.Drills.Model;

namespace Bulwark.Drills.Zombie;

/// <summary>What the Zombie drill observed.</summary>
/// <param name="ExternalRounds">Probe rounds with the external dependency down.</param>
/// <param name="LiveNot200">Liveness answers other than 200, over the whole drill.</param>
/// <param name="ReadyNot200WhileExternalDown">Readiness answers other than 200 while only the external dependency was down.</param>
/// <param name="BrowseNot200WhileExternalDown">Browse answers other than 200 while only the external dependency was down.</param>
/// <param name="CriticalExercised">Whether a critical dependency's switch was given and pulled.</param>
/// <param name="TimeToUnready">From pulling the critical dependency to the first readiness failure; null if it never failed.</param>
/// <param name="TimeToReady">From restoring it to readiness 200 again; null if it did not recover in time.</param>
public sealed record ZombieMeasurements(
    int ExternalRounds,
    int LiveNot200,
    int ReadyNot200WhileExternalDown,
    int BrowseNot200WhileExternalDown,
    bool CriticalExercised,
    TimeSpan? TimeToUnready,
    TimeSpan? TimeToReady);

/// <summary>Zombie's verdict rules, pure so they can be tested without a network.</summary>
public static class ZombieJudge
{
    /// <summary>
    /// Passed when liveness never failed, readiness and browsing ignored the external outage, and — when a critical
    /// dependency was pulled — readiness failed within its threshold and recovered within its threshold.
    /// </summary>
    public static DrillVerdict Judge(ZombieMeasurements measured, ZombieOptions options)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(options);
        if (measured.ExternalRounds == 0)
        {
            return DrillVerdict.Inconclusive("No probe round completed, so there is nothing to judge.");
        }

        var figures = new List<DrillFigure>
        {
            DrillFigure.Info("probe rounds, external dependency down", measured.ExternalRounds, "rounds"),
            DrillFigure.AtMost("liveness answers other than 200", measured.LiveNot200, "answers", 0),
            DrillFigure.AtMost("readiness failures caused by an external API", measured.ReadyNot200WhileExternalDown, "answers", 0),
            DrillFigure.AtMost("browse answers other than 200, external dependency down", measured.BrowseNot200WhileExternalDown, "answers", 0),
        };
        var failures = new List<string>();
        var findings = new List<string>();
        if (measured.LiveNot200 > 0)
        {
            failures.Add($"Liveness failed {measured.LiveNot200} time(s): an orchestrator would restart a process that only had a sick dependency.");
        }

        if (measured.ReadyNot200WhileExternalDown > 0)
        {
            failures.Add($"Readiness failed {measured.ReadyNot200WhileExternalDown} time(s) because '{options.ExternalDependency}' (an external API) was down: every instance would leave the load balancer at once.");
        }

        if (measured.BrowseNot200WhileExternalDown > 0)
        {
            failures.Add($"Browsing failed {measured.BrowseNot200WhileExternalDown} time(s) while only '{options.ExternalDependency}' was down.");
        }

        if (measured.CriticalExercised)
        {
            var unready = measured.TimeToUnready?.TotalMilliseconds ?? double.PositiveInfinity;
            var ready = measured.TimeToReady?.TotalMilliseconds ?? double.PositiveInfinity;
            figures.Add(DrillFigure.AtMost("time to unready after the critical dependency died", Finite(unready), "ms", options.ReadyDropWithin.TotalMilliseconds));
            figures.Add(DrillFigure.AtMost("time to ready after it came back", Finite(ready), "ms", options.RecoverWithin.TotalMilliseconds));
            if (measured.TimeToUnready is null || measured.TimeToUnready > options.ReadyDropWithin)
            {
                failures.Add($"Readiness stayed 200 with '{options.CriticalDependency}' down: the load balancer keeps sending traffic to a black hole (a zombie).");
            }

            if (measured.TimeToReady is null || measured.TimeToReady > options.RecoverWithin)
            {
                failures.Add($"Readiness did not come back within {options.RecoverWithin.TotalSeconds:F0} s after '{options.CriticalDependency}' recovered.");
            }
        }
        else
        {
            findings.Add($"No '{options.CriticalDependency}' switch was given, so the other half of the question (a dead local dependency must fail readiness) was not exercised here. " +
                "Put a fault proxy in front of the database or broker (bulwark drill run zombie --critical-proxy <listen>:<upstream>) and point the service at it.");
        }

        return DrillVerdict.FromChecks(
            measured is { CriticalExercised: true, TimeToUnready: not null, TimeToReady: not null }
                ? $"Liveness stayed 200 throughout; readiness ignored the external outage, dropped {measured.TimeToUnready!.Value.TotalMilliseconds:F0} ms after the critical dependency died and recovered {measured.TimeToReady!.Value.TotalMilliseconds:F0} ms after it returned."
                : $"Liveness and readiness stayed 200 and browsing kept working through {measured.ExternalRounds} probe rounds with '{options.ExternalDependency}' down.",
            failures,
            figures,
            findings);
    }

    private static double Finite(double ms) => double.IsPositiveInfinity(ms) ? -1 : ms;
}
