using Bulwark.Drills.Model;

namespace Bulwark.Drills.Hotspot;

/// <summary>What a Hotspot run saw.</summary>
/// <param name="Mitigation">The mitigation in place.</param>
/// <param name="BaselineOthersP99Ms">The other customers' deposit p99 without the hot customer (reported, not judged).</param>
/// <param name="HotOthersP99Ms">Their p99 while the hot customer sent half the traffic (reported, not judged).</param>
/// <param name="OthersErrorRate">Their error rate (non-2xx) during the hot phase.</param>
/// <param name="HotShare">The hot customer's share of the hot phase's requests.</param>
/// <param name="RequestsPerShard">Requests each shard was routed during the hot phase (the shard metrics).</param>
/// <param name="HotShard">The shard holding the hot customer's bucket during the hot phase.</param>
/// <param name="OthersOnHotShard">
/// The share of the other customers' hot-phase deposits sent to customers whose wallets route to <paramref name="HotShard"/>
/// (each customer's shard as the drill observed it in arrange).
/// </param>
/// <param name="MaxShardShare">The largest share of the hot phase's routed writes one shard may take.</param>
public sealed record HotspotMeasurement(
    HotspotMitigation Mitigation,
    double BaselineOthersP99Ms,
    double HotOthersP99Ms,
    double OthersErrorRate,
    double HotShare,
    IReadOnlyDictionary<string, long> RequestsPerShard,
    string HotShard,
    double OthersOnHotShard,
    double MaxShardShare);

/// <summary>
/// Judges a Hotspot run by where the writes went: no shard takes more than <see cref="HotspotMeasurement.MaxShardShare"/>
/// of them while one customer sends half, and none of the other customers' writes share the hot customer's shard.
/// Latency is reported, not judged (docs/sharding.md says why).
/// </summary>
public static class HotspotJudge
{
    // Other customers' errors the run tolerates (a request cut by the client's timeout on a loaded machine).
    private const double MaxOthersErrorRate = 0.01;

    /// <summary>The verdict for <paramref name="m"/>.</summary>
    public static DrillVerdict Judge(HotspotMeasurement m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var total = m.RequestsPerShard.Values.Sum();
        var (largest, largestRequests) = m.RequestsPerShard.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).FirstOrDefault();
        var largestShare = total == 0 ? 0 : (double)largestRequests / total;
        var figures = new List<DrillFigure>
        {
            DrillFigure.Info("hot customer's share of requests", m.HotShare * 100, "%"),
            DrillFigure.AtMost("largest shard's share of the hot phase's writes", largestShare * 100, "%", m.MaxShardShare * 100),
            DrillFigure.AtMost("others' writes on the hot customer's shard", m.OthersOnHotShard * 100, "%", 0),
            DrillFigure.Info("others' p99, baseline", m.BaselineOthersP99Ms, "ms"),
            DrillFigure.Info("others' p99 under the hotspot", m.HotOthersP99Ms, "ms"),
            DrillFigure.AtMost("others' error rate under the hotspot", m.OthersErrorRate * 100, "%", MaxOthersErrorRate * 100),
        };
        foreach (var (shard, requests) in m.RequestsPerShard.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            figures.Add(DrillFigure.Info($"load on {shard}{Owner(m, shard)}", total == 0 ? 0 : requests * 100.0 / total, "% of requests"));
        }

        if (total == 0)
        {
            return new DrillVerdict(DrillOutcome.Inconclusive, "The shard metrics counted no routed requests during the hot phase: there is no distribution to judge.", figures, []);
        }

        var distribution = string.Join(", ", m.RequestsPerShard.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}{Owner(m, p.Key)} {p.Value * 100.0 / total:0}%"));
        var failures = new List<string>();
        if (largestShare > m.MaxShardShare)
        {
            failures.Add($"{largest}{Owner(m, largest)} took {largestShare * 100:0.#}% of the hot phase's writes (more than {m.MaxShardShare * 100:0.#}%) while one customer sent {m.HotShare * 100:0}% of the traffic: {distribution}.");
        }

        if (m.OthersOnHotShard > 0)
        {
            failures.Add($"{m.OthersOnHotShard * 100:0.#}% of the other customers' writes went to the hot customer's shard ({m.HotShard}).");
        }

        if (m.OthersErrorRate > MaxOthersErrorRate)
        {
            failures.Add($"{m.OthersErrorRate * 100:0.#}% of other customers' requests failed under the hotspot.");
        }

        return DrillVerdict.FromChecks(
            $"No shard took more than {m.MaxShardShare * 100:0.#}% of the hot phase's writes ({distribution}) and none of the other customers' writes shared the hot customer's shard, while one customer sent {m.HotShare * 100:0}% of the traffic ({m.Mitigation}); others' p99 {m.HotOthersP99Ms:0.#} ms against {m.BaselineOthersP99Ms:0.#} ms baseline (reported, not judged).",
            failures,
            figures,
            failures.Count == 0 ? [] : Findings(m, largestShare));
    }

    private static string Owner(HotspotMeasurement m, string shard) => string.Equals(shard, m.HotShard, StringComparison.Ordinal) ? " (hot customer's)" : string.Empty;

    private static string[] Findings(HotspotMeasurement m, double largestShare)
    {
        var findings = new List<string>();
        if (m.OthersOnHotShard > 0)
        {
            findings.Add(m.Mitigation == HotspotMitigation.None
                ? $"The hot customer's shard also carries {m.OthersOnHotShard * 100:0}% of everyone else's writes, all behind that shard's one append lock: move the hot bucket to a spare shard (POST /api/admin/shards/moves) or run with Mitigation=DedicatedShard."
                : $"Other customers still write to {m.HotShard} after the move: it is not a spare (it owned buckets before), or they share the hot customer's bucket; dedicate an empty shard.");
        }

        if (largestShare > m.MaxShardShare && m.OthersOnHotShard == 0)
        {
            findings.Add("One shard takes too much even without the hot customer's neighbours: the remaining shards are unevenly loaded, or one customer alone outgrows a shard (a bucket cannot be split by a move: shard by a finer key, such as the wallet, or batch its appends).");
        }

        if (m.OthersErrorRate > MaxOthersErrorRate)
        {
            findings.Add("Other customers' deposits failed under the hotspot: look for what they still share (the connection pool, the shop database's idempotency table).");
        }

        return [.. findings];
    }
}
