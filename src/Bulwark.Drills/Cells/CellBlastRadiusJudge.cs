using Bulwark.Drills.Model;

namespace Bulwark.Drills.Cells;

/// <summary>What the cell Blast Radius drill observed.</summary>
/// <param name="Victim">The killed cell.</param>
/// <param name="VictimCustomers">Customers served only by the victim before the kill.</param>
/// <param name="OtherCustomers">Every other customer.</param>
/// <param name="MixedCustomers">Customers served by more than one cell before the kill (no isolation).</param>
/// <param name="OtherRequests">The other customers' requests after the kill.</param>
/// <param name="OtherErrors">Those answered 5xx, or not at all.</param>
/// <param name="OtherP99BaselineMs">The other customers' p99 before the kill.</param>
/// <param name="OtherP99OutageMs">Their p99 after it.</param>
/// <param name="VictimRequests">The victim's customers' requests after the kill.</param>
/// <param name="VictimRefusals">Those the router answered with its 503 cell-unavailable problem.</param>
/// <param name="VictimOtherFailures">Those that failed any other way (502, a timeout, no answer).</param>
/// <param name="VictimP99OutageMs">The p99 of the victim's customers' answers after the kill.</param>
/// <param name="FailureSamples">The first failures, for the report.</param>
public sealed record CellBlastRadiusMeasurements(
    string Victim, int VictimCustomers, int OtherCustomers, int MixedCustomers,
    long OtherRequests, long OtherErrors, double OtherP99BaselineMs, double OtherP99OutageMs,
    long VictimRequests, long VictimRefusals, long VictimOtherFailures, double VictimP99OutageMs, IReadOnlyList<string> FailureSamples);

/// <summary>The cell Blast Radius drill's verdict rules, pure so they are tested without a network.</summary>
public static class CellBlastRadiusJudge
{
    /// <summary>
    /// Passed when every customer had one cell, the other cells' customers saw no error and an unchanged p99, and the
    /// dead cell's customers were told fast with the router's 503 problem.
    /// </summary>
    public static DrillVerdict Judge(CellBlastRadiusMeasurements m, CellBlastRadiusOptions options)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(options);
        var allowedP99 = (m.OtherP99BaselineMs * options.MaxP99Growth) + options.P99SlackMs;
        var figures = new List<DrillFigure>
        {
            DrillFigure.AtMost("other cells' customers: errors after the kill", m.OtherErrors, "requests", 0),
            DrillFigure.AtMost("other cells' customers: p99 after the kill", m.OtherP99OutageMs, "ms", Math.Round(allowedP99, 1)),
            DrillFigure.Info("other cells' customers: p99 before the kill", m.OtherP99BaselineMs, "ms"),
            DrillFigure.Info("other cells' customers: requests after the kill", m.OtherRequests, "requests"),
            DrillFigure.AtMost("dead cell's customers: p99 of their answers", m.VictimP99OutageMs, "ms", options.MaxFailFastMs),
            DrillFigure.Info("dead cell's customers: 503 problems from the router", m.VictimRefusals, "requests"),
            DrillFigure.AtMost("dead cell's customers: other failures", m.VictimOtherFailures, "requests", 0),
            DrillFigure.AtMost("customers served by more than one cell", m.MixedCustomers, "customers", 0),
            DrillFigure.Info("customers of the dead cell / of the others", m.VictimCustomers, $"of {m.VictimCustomers + m.OtherCustomers}"),
        };
        var failures = new List<string>();
        var findings = new List<string>();
        if (m.MixedCustomers > 0)
        {
            failures.Add($"{m.MixedCustomers} customers were served by more than one cell before the kill: customers are not isolated in cells.");
            findings.Add("Route each customer to one cell (Edge:Cells:Routing = Cells), never over a shared pool.");
        }

        if (m.OtherCustomers == 0 || m.VictimCustomers == 0)
        {
            failures.Add($"The drill needs customers in '{m.Victim}' and in other cells; it saw {m.VictimCustomers} and {m.OtherCustomers}.");
        }

        if (m.OtherErrors > 0)
        {
            failures.Add($"{m.OtherErrors} of {m.OtherRequests} requests of customers outside '{m.Victim}' failed after it died, e.g. {string.Join("; ", m.FailureSamples.Take(3))}.");
            findings.Add("A dead cell must hurt only its own customers: nothing shared (pool, database, router state) may depend on it.");
        }

        if (m.OtherP99OutageMs > allowedP99)
        {
            failures.Add($"The other cells' customers' p99 went from {m.OtherP99BaselineMs:0} ms to {m.OtherP99OutageMs:0} ms (at most {allowedP99:0} ms).");
        }

        if (m.VictimRequests > 0 && m.VictimRefusals == 0)
        {
            failures.Add($"The customers of '{m.Victim}' never got the router's 503 problem after it died.");
        }

        if (m.VictimOtherFailures > 0)
        {
            failures.Add($"{m.VictimOtherFailures} requests of the customers of '{m.Victim}' failed other than with the router's 503 problem (a 502, a hang, no answer).");
            findings.Add("Passive and active cell health (Edge:Cells:Health) should turn a dead cell into an immediate 503 with Retry-After.");
        }

        if (m.VictimP99OutageMs > options.MaxFailFastMs)
        {
            failures.Add($"The customers of '{m.Victim}' waited {m.VictimP99OutageMs:0} ms (p99) to hear it is down (at most {options.MaxFailFastMs:0} ms).");
        }

        return DrillVerdict.FromChecks(
            $"'{m.Victim}' died: its {m.VictimCustomers} customers got {m.VictimRefusals} fast 503 problems (p99 {m.VictimP99OutageMs:0} ms); the other {m.OtherCustomers} customers saw 0 errors in {m.OtherRequests} requests, p99 {m.OtherP99BaselineMs:0} → {m.OtherP99OutageMs:0} ms.",
            failures, figures, findings);
    }
}
