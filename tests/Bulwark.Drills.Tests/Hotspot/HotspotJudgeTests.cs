using Bulwark.Drills.Hotspot;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.Tests.Hotspot;

public sealed class HotspotJudgeTests
{
    private static readonly Dictionary<string, long> Isolated = new() { ["shard-0"] = 300, ["shard-1"] = 300, ["shard-2"] = 600 };

    [Fact]
    public void Judge_OthersWithinTwentyPercentOfBaseline_Passes()
    {
        var verdict = HotspotJudge.Judge(Measure(baseline: 20, hot: 23.9, Isolated));

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
        Assert.Contains(verdict.Figures, f => f.Name == "load on shard-2 (hot customer's)" && f.Value == 50);
    }

    [Fact]
    public void Judge_OthersP99MoreThanTwentyPercentOverBaseline_FailsAndSaysToIsolateTheHotBucket()
    {
        var verdict = HotspotJudge.Judge(Measure(baseline: 20, hot: 24.1, Isolated) with { Mitigation = HotspotMitigation.None });

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("20%", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains(verdict.Findings, f => f.Contains("/api/admin/shards/moves", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_OthersFailing_Fails()
    {
        var verdict = HotspotJudge.Judge(Measure(baseline: 20, hot: 20, Isolated) with { OthersErrorRate = 0.05 });

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
    }

    private static HotspotMeasurement Measure(double baseline, double hot, IReadOnlyDictionary<string, long> perShard) =>
        new(HotspotMitigation.DedicatedShard, baseline, hot, 0, 0.5, perShard, "shard-2", 1.2);
}
