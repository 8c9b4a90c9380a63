using Bulwark.Drills.Load;

namespace Bulwark.Drills.Tests;

/// <summary>Builds load statistics from a few status/latency groups, for pure verdict tests.</summary>
internal static class Stats
{
    public static LoadStatistics Of(params (int Status, int Count, int LatencyMs)[] groups)
    {
        var samples = groups.SelectMany(g => Enumerable.Repeat(
            new LoadSample(0, TimeSpan.Zero, TimeSpan.FromMilliseconds(g.LatencyMs), g.Status,
                g.Status == 0 ? LoadFailure.Timeout : LoadFailure.None, g.Status == 429 || g.Status == 503, null),
            g.Count)).ToList();
        return LoadStatistics.Compute(samples, TimeSpan.FromSeconds(10));
    }
}
