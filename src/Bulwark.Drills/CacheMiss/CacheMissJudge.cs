using System.Globalization;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.CacheMiss;

/// <summary>What a Cache Miss run saw.</summary>
/// <param name="HotProducts">The keys the flush emptied and the herd asked for.</param>
/// <param name="HerdCallers">Callers released together right after the flush.</param>
/// <param name="Loads">Database loads counted by the target between just before the flush and the end; null when its metrics did not answer.</param>
/// <param name="Reads">Every read of the run: the steady ones and the herd.</param>
/// <param name="HerdAnswers">How the herd was answered, e.g. <c>200×80</c> or <c>200×60, no answer×20</c>; shown when the run proves nothing.</param>
public sealed record CacheMissMeasurement(int HotProducts, int HerdCallers, double? Loads, LoadStatistics Reads, string HerdAnswers = "");

/// <summary>Judges a Cache Miss run: at most the allowed loads per key however many callers asked, reads fast and never failing.</summary>
public static class CacheMissJudge
{
    /// <summary>The verdict for <paramref name="m"/> against <paramref name="options"/>.</summary>
    public static DrillVerdict Judge(CacheMissMeasurement m, CacheMissOptions options)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(options);
        if (m.Loads is not { } loads)
        {
            return DrillVerdict.Inconclusive($"The target's metrics did not answer, so its database loads ({options.LoadsMetric}) could not be counted.");
        }

        var c = CultureInfo.InvariantCulture;
        var allowed = m.HotProducts * options.MaxLoadsPerKey;
        var figures = new List<DrillFigure>
        {
            DrillFigure.Info("hot products flushed", m.HotProducts, "keys"),
            DrillFigure.Info("callers released together after the flush", m.HerdCallers, "requests"),
            DrillFigure.AtMost("database loads after the flush", loads, "loads", allowed),
            DrillFigure.Info("reads", m.Reads.Sent, "requests"),
            DrillFigure.AtMost("read p99", m.Reads.P99.TotalMilliseconds, "ms", options.ReadP99Threshold.TotalMilliseconds),
            DrillFigure.AtMost("reads failed (5xx or no answer)", m.Reads.Errors, "requests", 0),
        };
        if (loads < 1)
        {
            return new DrillVerdict(DrillOutcome.Inconclusive, string.Create(c, $"No database load followed the flush: the cache was not emptied (wrong flush endpoint or metric?), so nothing was tested. The herd's answers: {(m.HerdAnswers.Length > 0 ? m.HerdAnswers : "none recorded")}; reads sent {m.Reads.Sent}."), figures, []);
        }

        if (m.Reads.Sent == 0)
        {
            return new DrillVerdict(DrillOutcome.Inconclusive, "No read was sent.", figures, []);
        }

        var failures = new List<string>();
        if (loads > allowed)
        {
            failures.Add(string.Create(c, $"{loads:0} database loads for {m.HotProducts} flushed keys ({loads / m.HotProducts:0.#} per key, at most {options.MaxLoadsPerKey} allowed): the herd went to the database (cache stampede)."));
        }

        if (m.Reads.P99 > options.ReadP99Threshold)
        {
            failures.Add(string.Create(c, $"Read p99 {m.Reads.P99.TotalMilliseconds:0} ms is over {options.ReadP99Threshold.TotalMilliseconds:0} ms."));
        }

        if (m.Reads.Errors > 0)
        {
            failures.Add(string.Create(c, $"{m.Reads.Errors} of {m.Reads.Sent} reads failed while the cache refilled."));
        }

        var findings = loads > allowed
            ? new[] { "Let one caller per key load while the others wait for its result (FusionCache does this unless its memory locker is replaced); Codex 18, the Cache Miss test." }
            : [];
        return DrillVerdict.FromChecks(
            string.Create(c, $"{m.HerdCallers} callers on {m.HotProducts} flushed keys cost {loads:0} database load(s); read p99 {m.Reads.P99.TotalMilliseconds:0} ms, no read failed."),
            failures,
            figures,
            findings);
    }
}
