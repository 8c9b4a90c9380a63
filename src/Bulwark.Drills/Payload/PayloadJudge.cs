using System.Globalization;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.Payload;

/// <summary>One hostile body and the target's answer.</summary>
/// <param name="Kind">Which body: <c>oversize</c>, <c>huge-json</c>, <c>deep-nesting</c> or <c>truncated</c>.</param>
/// <param name="Status">The status code (0 = no answer).</param>
/// <param name="Problem">Whether the answer was problem details (<c>application/problem+json</c>).</param>
public sealed record PayloadProbe(string Kind, int Status, bool Problem);

/// <summary>What a Payload run saw.</summary>
/// <param name="Probes">Every hostile body sent and its answer.</param>
/// <param name="OrdersWritten">Orders the drill's customer has afterwards (every body was hostile: there should be none).</param>
/// <param name="MemoryBefore">The target's working set before, when it exports one.</param>
/// <param name="MemoryAfter">The target's working set after, when it exports one.</param>
public sealed record PayloadMeasurement(IReadOnlyList<PayloadProbe> Probes, int OrdersWritten, double? MemoryBefore, double? MemoryAfter);

/// <summary>Judges a Payload run: every hostile body refused with its 4xx problem, none a 5xx, nothing written, memory bounded.</summary>
public static class PayloadJudge
{
    /// <summary>The statuses each kind of body may get.</summary>
    public static IReadOnlyDictionary<string, int[]> Allowed { get; } = new Dictionary<string, int[]>(StringComparer.Ordinal)
    {
        ["oversize"] = [413],
        ["huge-json"] = [400, 413, 422],
        ["deep-nesting"] = [400, 413, 422],
        ["truncated"] = [400],
    };

    /// <summary>The verdict for <paramref name="m"/> against <paramref name="options"/>.</summary>
    public static DrillVerdict Judge(PayloadMeasurement m, PayloadOptions options)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(options);
        var c = CultureInfo.InvariantCulture;
        var figures = new List<DrillFigure>();
        var failures = new List<string>();
        foreach (var kind in m.Probes.GroupBy(p => p.Kind))
        {
            var allowed = Allowed.TryGetValue(kind.Key, out var a) ? a : [400];
            var wrong = kind.Where(p => !allowed.Contains(p.Status)).ToList();
            var notProblem = kind.Count(p => allowed.Contains(p.Status) && !p.Problem);
            figures.Add(new DrillFigure($"{kind.Key}: answered as allowed ({string.Join("/", allowed)} problem)", kind.Count() - wrong.Count - notProblem, "requests", $"== {kind.Count()}", wrong.Count == 0 && notProblem == 0));
            if (wrong.Count > 0)
            {
                var statuses = string.Join(", ", wrong.GroupBy(p => p.Status).Select(g => string.Create(c, $"{(g.Key == 0 ? "no answer" : g.Key.ToString(c))} × {g.Count()}")));
                failures.Add($"{kind.Key}: {wrong.Count} of {kind.Count()} got {statuses}, not {string.Join("/", allowed)}.");
            }

            if (notProblem > 0)
            {
                failures.Add(string.Create(c, $"{kind.Key}: {notProblem} refusal(s) were not problem details."));
            }
        }

        figures.Add(DrillFigure.AtMost("orders written by hostile bodies", m.OrdersWritten, "orders", 0));
        if (m.OrdersWritten > 0)
        {
            failures.Add(string.Create(c, $"{m.OrdersWritten} order(s) were written from hostile bodies: a body the shop should refuse was accepted."));
        }

        if (m.MemoryBefore is { } before && m.MemoryAfter is { } after)
        {
            var growth = after - before;
            figures.Add(DrillFigure.AtMost("working set growth", growth / (1024 * 1024), "MiB", options.MaxMemoryGrowthBytes / (1024d * 1024)));
            if (growth > options.MaxMemoryGrowthBytes)
            {
                failures.Add(string.Create(c, $"The working set grew by {growth / (1024 * 1024):0} MiB (at most {options.MaxMemoryGrowthBytes / (1024 * 1024)} MiB): bodies are buffered whole."));
            }
        }

        var findings = new List<string>();
        if (m.MemoryBefore is null || m.MemoryAfter is null)
        {
            findings.Add($"The target exports no {options.MemoryMetric}: memory was not judged (export the System.Runtime meter).");
        }

        if (failures.Count > 0)
        {
            findings.Add("Cap the body size before anything buffers it (Kestrel MaxRequestBodySize → 413), keep JSON's depth limit, and answer a body that does not bind with a 400 problem, never a 500.");
        }

        return DrillVerdict.FromChecks(
            string.Create(c, $"All {m.Probes.Count} hostile bodies were refused with their 4xx problem, none with a 5xx, and nothing was written."),
            failures,
            figures,
            findings);
    }
}
