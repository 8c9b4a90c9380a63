using Bulwark.Drills.Model;

namespace Bulwark.Drills.DoubleClick;

/// <summary>What a Double-Click run saw.</summary>
/// <param name="Copies">Identical requests fired at once.</param>
/// <param name="Statuses">Each copy's status code (0 = no answer).</param>
/// <param name="DistinctResources">How many different resources (Location or body) the successful copies named.</param>
/// <param name="ReusedKeyStatus">The status of the same key sent with another body.</param>
/// <param name="DependencyRequests">Requests that reached the downstream dependency for the whole run, when counted.</param>
public sealed record DoubleClickMeasurement(int Copies, IReadOnlyList<int> Statuses, int DistinctResources, int ReusedKeyStatus, long? DependencyRequests);

/// <summary>Judges a Double-Click run: one effect, the same answer for every copy, the key bound to its body.</summary>
public static class DoubleClickJudge
{
    /// <summary>The verdict for <paramref name="m"/>.</summary>
    public static DrillVerdict Judge(DoubleClickMeasurement m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var answered = m.Statuses.Count(s => s is >= 200 and < 300);
        var figures = new List<DrillFigure>
        {
            DrillFigure.Info("identical copies fired at once", m.Copies, "requests"),
            DrillFigure.AtLeast("copies answered 2xx", answered, "requests", m.Copies),
            DrillFigure.AtMost("distinct resources created", m.DistinctResources, "resources", 1),
            DrillFigure.Info("same key, other body: status", m.ReusedKeyStatus, "code"),
        };
        if (m.DependencyRequests is { } calls)
        {
            figures.Add(DrillFigure.AtMost("requests reaching the dependency", calls, "requests", 1));
        }

        var failures = new List<string>();
        if (answered < m.Copies)
        {
            var others = string.Join(", ", m.Statuses.Where(s => s is < 200 or >= 300).GroupBy(s => s).Select(g => $"{g.Key} × {g.Count()}"));
            failures.Add($"{m.Copies - answered} of {m.Copies} copies did not get the first answer ({others}).");
        }

        if (m.DistinctResources > 1)
        {
            failures.Add($"{m.DistinctResources} different resources were created by one click: the endpoint is not idempotent.");
        }

        if (m.ReusedKeyStatus != 422)
        {
            failures.Add($"Reusing the key with another body answered {m.ReusedKeyStatus}, not 422.");
        }

        if (m.DependencyRequests is > 1)
        {
            failures.Add($"The dependency was called {m.DependencyRequests} times for one click (double charge risk).");
        }

        var findings = failures.Count == 0
            ? Array.Empty<string>()
            : ["Store the Idempotency-Key with a fingerprint of the body before running the handler; answer duplicates from the stored response (pattern 15)."];
        return DrillVerdict.FromChecks(
            $"{m.Copies} identical requests made one resource and got the same answer; the key is bound to its body (422 on reuse).",
            failures,
            figures,
            findings);
    }
}
