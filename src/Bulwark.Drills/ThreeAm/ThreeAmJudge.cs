using System.Globalization;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.ThreeAm;

/// <summary>What a 3 AM run saw.</summary>
/// <param name="Rules">Alert rules in the file.</param>
/// <param name="RunbookProblems">Rules whose runbook link is missing or names no runbook section.</param>
/// <param name="PagesOnNonSymptom">Page-severity alerts that fired while only the disk was 80% full.</param>
/// <param name="ExpectedRule">The page the outage must fire, as the rules file defines it (null: the file has no such rule).</param>
/// <param name="FiredAfter">How long after the outage began it fired; null when it never did.</param>
/// <param name="Window">Its scaled <c>for:</c> plus the grace: the latest it may fire.</param>
/// <param name="ScrapeProblems">Targets Prometheus failed to scrape at the end of the outage (it could not see it).</param>
public sealed record ThreeAmMeasurement(int Rules, IReadOnlyList<string> RunbookProblems, IReadOnlyList<string> PagesOnNonSymptom, AlertRule? ExpectedRule, TimeSpan? FiredAfter, TimeSpan Window, IReadOnlyList<string> ScrapeProblems);

/// <summary>Judges a 3 AM run: the real outage pages in time with the right alert, the non-symptom does not, every alert has its runbook.</summary>
public static class ThreeAmJudge
{
    /// <summary>The verdict for <paramref name="m"/> against <paramref name="options"/>.</summary>
    public static DrillVerdict Judge(ThreeAmMeasurement m, ThreeAmOptions options)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(options);
        var c = CultureInfo.InvariantCulture;
        var figures = new List<DrillFigure>
        {
            DrillFigure.Info("alert rules", m.Rules, "rules"),
            DrillFigure.AtMost("rules without a runbook section", m.RunbookProblems.Count, "rules", 0),
            DrillFigure.AtMost("pages while only a disk was 80% full", m.PagesOnNonSymptom.Count, "alerts", 0),
            m.FiredAfter is { } fired
                ? DrillFigure.AtMost($"{options.ExpectedPage} fired after the outage began", fired.TotalSeconds, "s", m.Window.TotalSeconds)
                : new DrillFigure($"{options.ExpectedPage} fired after the outage began (-1: never)", -1, "s", string.Create(c, $"<= {m.Window.TotalSeconds:0.#}"), false),
        };
        var failures = new List<string>();
        failures.AddRange(m.RunbookProblems);
        if (m.PagesOnNonSymptom.Count > 0)
        {
            failures.Add($"A disk 80% full (no user in pain) paged: {string.Join(", ", m.PagesOnNonSymptom)}. Page on symptoms; a cause opens a ticket.");
        }

        if (m.ExpectedRule is null)
        {
            failures.Add($"The rules have no {options.ExpectedPage} alert: nothing pages when users get errors.");
        }
        else if (!string.Equals(m.ExpectedRule.Severity, options.PageSeverity, StringComparison.Ordinal))
        {
            failures.Add($"{options.ExpectedPage} has severity '{m.ExpectedRule.Severity}', not '{options.PageSeverity}': the outage opens a ticket instead of waking anyone.");
        }

        if (m.FiredAfter is null && m.ScrapeProblems.Count > 0 && failures.Count == 0)
        {
            return new DrillVerdict(DrillOutcome.Inconclusive, $"Prometheus could not scrape the target during the outage ({string.Join("; ", m.ScrapeProblems)}), so whether it pages was not tested; a slower ScrapeInterval may help on a loaded machine.", figures, []);
        }

        if (m.FiredAfter is null)
        {
            failures.Add(string.Create(c, $"The outage did not fire {options.ExpectedPage} within {m.Window.TotalSeconds:0.#} s."));
        }
        else if (m.FiredAfter > m.Window)
        {
            failures.Add(string.Create(c, $"{options.ExpectedPage} fired {m.FiredAfter.Value.TotalSeconds:0.#} s into the outage, later than {m.Window.TotalSeconds:0.#} s."));
        }

        return DrillVerdict.FromChecks(
            string.Create(c, $"The outage paged with {options.ExpectedPage} after {m.FiredAfter?.TotalSeconds:0.#} s (window {m.Window.TotalSeconds:0.#} s, rules at 1/{options.TimeScale} time); a disk 80% full paged nobody; all {m.Rules} rules link a runbook section."),
            failures,
            figures,
            []);
    }
}
