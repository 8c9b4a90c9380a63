namespace Bulwark.Drills.Model;

/// <summary>A drill's conclusion: the outcome, why, the figures behind it and what the system needs.</summary>
/// <param name="Outcome">Passed, failed or inconclusive.</param>
/// <param name="Reason">One or two sentences naming the deciding figures.</param>
/// <param name="Figures">Everything measured, judged or not.</param>
/// <param name="Findings">What to fix or check next, in plain words.</param>
public sealed record DrillVerdict(DrillOutcome Outcome, string Reason, IReadOnlyList<DrillFigure> Figures, IReadOnlyList<string> Findings)
{
    /// <summary>An inconclusive verdict with no figures.</summary>
    public static DrillVerdict Inconclusive(string reason) => new(DrillOutcome.Inconclusive, reason, [], []);

    /// <summary>A skipped verdict: the drill did not run, for the reason given.</summary>
    public static DrillVerdict Skipped(string reason) => new(DrillOutcome.Skipped, "skipped: " + reason, [], []);

    /// <summary>Passed when every judged figure is OK and <paramref name="failures"/> is empty; failed otherwise.</summary>
    public static DrillVerdict FromChecks(string passReason, IReadOnlyList<string> failures, IReadOnlyList<DrillFigure> figures, IReadOnlyList<string> findings)
    {
        ArgumentNullException.ThrowIfNull(failures);
        ArgumentNullException.ThrowIfNull(figures);
        return failures.Count == 0
            ? new DrillVerdict(DrillOutcome.Passed, passReason, figures, findings)
            : new DrillVerdict(DrillOutcome.Failed, string.Join(" ", failures), figures, findings);
    }
}
