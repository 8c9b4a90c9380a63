using System.Globalization;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.Replay;

/// <summary>One projection's rebuild as the drill saw it.</summary>
/// <param name="Name">The projection.</param>
/// <param name="Status">The rebuild request's status code (0 = no answer).</param>
/// <param name="Position">The position the rebuilt read model reached, as the target reported it.</param>
/// <param name="Duration">How long the rebuild request took.</param>
/// <param name="ReadsDuring">Reads of the first read path while it ran.</param>
/// <param name="ReadsDifferent">Of those, reads whose answer was not the live one (missing rows, errors).</param>
public sealed record ProjectionReplay(string Name, int Status, long Position, TimeSpan Duration, int ReadsDuring, int ReadsDifferent);

/// <summary>What a Replay run saw.</summary>
/// <param name="Replays">Every projection's rebuild.</param>
/// <param name="ReadPaths">The read-model queries compared.</param>
/// <param name="DifferentAfter">The read paths whose answer after the replays differs from before.</param>
/// <param name="MaxRebuild">The threshold for one rebuild.</param>
public sealed record ReplayMeasurement(IReadOnlyList<ProjectionReplay> Replays, IReadOnlyList<string> ReadPaths, IReadOnlyList<string> DifferentAfter, TimeSpan MaxRebuild);

/// <summary>Judges a Replay run: every read model rebuilt from the log alone, identical to the live one, in time.</summary>
public static class ReplayJudge
{
    /// <summary>The verdict for <paramref name="m"/>.</summary>
    public static DrillVerdict Judge(ReplayMeasurement m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var slowest = m.Replays.Count == 0 ? TimeSpan.Zero : m.Replays.Max(r => r.Duration);
        var readsDifferent = m.Replays.Sum(r => r.ReadsDifferent);
        var figures = new List<DrillFigure>
        {
            DrillFigure.AtLeast("projections rebuilt from position 0", m.Replays.Count(r => r.Status == 200), "projections", Math.Max(1, m.Replays.Count)),
            DrillFigure.Info("log position replayed (largest)", m.Replays.Count == 0 ? 0 : m.Replays.Max(r => r.Position), "events"),
            DrillFigure.AtMost("slowest rebuild", slowest.TotalMilliseconds, "ms", m.MaxRebuild.TotalMilliseconds),
            DrillFigure.AtLeast("read models identical after the replay", m.ReadPaths.Count - m.DifferentAfter.Count, "queries", m.ReadPaths.Count),
            DrillFigure.Info("reads during rebuilds", m.Replays.Sum(r => r.ReadsDuring), "requests"),
            DrillFigure.Info("reads during rebuilds that saw a partial read model", readsDifferent, "requests"),
        };

        var failures = new List<string>();
        if (m.Replays.Count == 0)
        {
            failures.Add("The target lists no projections: there is nothing to replay the log into.");
        }

        foreach (var failed in m.Replays.Where(r => r.Status != 200))
        {
            failures.Add($"Rebuilding '{failed.Name}' answered {failed.Status}.");
        }

        if (slowest > m.MaxRebuild)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"The slowest rebuild took {slowest.TotalMilliseconds:F0} ms, over the {m.MaxRebuild.TotalMilliseconds:F0} ms allowed."));
        }

        if (m.DifferentAfter.Count > 0)
        {
            failures.Add($"After the replay {string.Join(", ", m.DifferentAfter)} answered differently: the read model holds state the log does not.");
        }

        var findings = new List<string>();
        if (m.DifferentAfter.Count > 0)
        {
            findings.Add("Write read models only from events (pattern 12); anything written beside the projection is lost by a replay.");
        }

        if (readsDifferent > 0)
        {
            findings.Add($"{readsDifferent} reads during the rebuild saw a partial read model: rebuild into a shadow table and swap it in, or serve a 503 while rebuilding.");
        }

        return DrillVerdict.FromChecks(
            string.Create(CultureInfo.InvariantCulture, $"{m.Replays.Count} projections replayed the log from position 0 into the same read models (slowest {slowest.TotalMilliseconds:F0} ms)."),
            failures,
            figures,
            findings);
    }
}
