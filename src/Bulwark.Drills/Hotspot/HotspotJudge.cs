using Bulwark.Drills.Model;

namespace Bulwark.Drills.Hotspot;

/// <summary>What a Hotspot run saw.</summary>
/// <param name="Mitigation">The mitigation in place.</param>
/// <param name="BaselineOthersP99Ms">The other customers' deposit p99 without the hot customer.</param>
/// <param name="HotOthersP99Ms">Their p99 while the hot customer sent half the traffic.</param>
/// <param name="OthersErrorRate">Their error rate (non-2xx) during the hot phase.</param>
/// <param name="HotShare">The hot customer's share of the hot phase's requests.</param>
/// <param name="RequestsPerShard">Requests each shard was routed during the hot phase (the shard metrics).</param>
/// <param name="HotShard">The shard holding the hot customer's bucket during the hot phase.</param>
/// <param name="MaxP99Ratio">The allowed ratio of hot to baseline p99.</param>
public sealed record HotspotMeasurement(
    HotspotMitigation Mitigation,
    double BaselineOthersP99Ms,
    double HotOthersP99Ms,
    double OthersErrorRate,
    double HotShare,
    IReadOnlyDictionary<string, long> RequestsPerShard,
    string HotShard,
    double MaxP99Ratio);

/// <summary>Judges a Hotspot run: other customers keep their latency while one customer drives half the traffic.</summary>
public static class HotspotJudge
{
    // Other customers' errors the run tolerates (a request cut by the client's timeout on a loaded machine).
    private const double MaxOthersErrorRate = 0.01;

    /// <summary>The verdict for <paramref name="m"/>.</summary>
    public static DrillVerdict Judge(HotspotMeasurement m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var limit = m.BaselineOthersP99Ms * m.MaxP99Ratio;
        var total = m.RequestsPerShard.Values.Sum();
        var figures = new List<DrillFigure>
        {
            DrillFigure.Info("hot customer's share of requests", m.HotShare * 100, "%"),
            DrillFigure.Info("others' p99, baseline", m.BaselineOthersP99Ms, "ms"),
            DrillFigure.AtMost("others' p99 under the hotspot", m.HotOthersP99Ms, "ms", limit),
            DrillFigure.AtMost("others' error rate under the hotspot", m.OthersErrorRate * 100, "%", MaxOthersErrorRate * 100),
        };
        foreach (var (shard, requests) in m.RequestsPerShard.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            figures.Add(DrillFigure.Info($"load on {shard}{(shard == m.HotShard ? " (hot customer's)" : string.Empty)}", total == 0 ? 0 : requests * 100.0 / total, "% of requests"));
        }

        var failures = new List<string>();
        if (m.HotOthersP99Ms > limit)
        {
            failures.Add($"Other customers' p99 rose from {m.BaselineOthersP99Ms:0.#} ms to {m.HotOthersP99Ms:0.#} ms (more than {(m.MaxP99Ratio - 1) * 100:0}% over baseline) while one customer sent {m.HotShare * 100:0}% of the traffic.");
        }

        if (m.OthersErrorRate > MaxOthersErrorRate)
        {
            failures.Add($"{m.OthersErrorRate * 100:0.#}% of other customers' requests failed under the hotspot.");
        }

        var findings = failures.Count == 0
            ? Array.Empty<string>()
            : m.Mitigation == HotspotMitigation.None
                ? ["The hot customer's shard serializes everyone's writes behind its one append lock: move the hot bucket to a spare shard (POST /api/admin/shards/moves) or run with Mitigation=DedicatedShard."]
                : ["Isolated on its own shard the hot customer still hurts others: look for what they still share (the host's CPU, the connection pool, the shop database's idempotency table)."];
        return DrillVerdict.FromChecks(
            $"Other customers' p99 stayed at {m.HotOthersP99Ms:0.#} ms against {m.BaselineOthersP99Ms:0.#} ms baseline (within {(m.MaxP99Ratio - 1) * 100:0}%) while one customer sent {m.HotShare * 100:0}% of the traffic ({m.Mitigation}).",
            failures,
            figures,
            findings);
    }
}
