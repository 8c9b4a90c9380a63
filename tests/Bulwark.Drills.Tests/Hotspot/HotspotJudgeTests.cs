using Bulwark.Drills.Hotspot;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.Tests.Hotspot;

public sealed class HotspotJudgeTests
{
    // The hot customer's half on the spare, the others' half over the two dealt shards.
    private static readonly Dictionary<string, long> Isolated = new() { ["shard-0"] = 300, ["shard-1"] = 300, ["shard-2"] = 600 };

    // No mitigation: the hot customer's shard carries its half and a quarter from its neighbours.
    private static readonly Dictionary<string, long> Shared = new() { ["shard-0"] = 900, ["shard-1"] = 300, ["shard-2"] = 0 };

    [Fact]
    public void Judge_HotCustomerOnItsOwnShard_PassesAndNamesTheDistribution()
    {
        var verdict = HotspotJudge.Judge(Measure(Isolated, "shard-2", othersOnHotShard: 0));

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
        Assert.Contains("shard-2 (hot customer's) 50%", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains(verdict.Figures, f => f.Name == "load on shard-2 (hot customer's)" && f.Value == 50);
        Assert.Contains(verdict.Figures, f => f.Name == "largest shard's share of the hot phase's writes" && f.Value == 50 && f.Ok == true);
        Assert.Contains(verdict.Figures, f => f.Name == "others' writes on the hot customer's shard" && f.Value == 0 && f.Ok == true);
        Assert.Empty(verdict.Findings);
    }

    [Fact]
    public void Judge_HotShardCarriesThreeQuarters_FailsAndSaysToIsolateTheHotBucket()
    {
        var verdict = HotspotJudge.Judge(Measure(Shared, "shard-0", othersOnHotShard: 0.5) with { Mitigation = HotspotMitigation.None });

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("shard-0 (hot customer's) took 75% of the hot phase's writes (more than 60%)", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains("50% of the other customers' writes went to the hot customer's shard (shard-0)", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains(verdict.Figures, f => f.Name == "largest shard's share of the hot phase's writes" && f.Value == 75 && f.Ok == false);
        Assert.Contains(verdict.Findings, f => f.Contains("/api/admin/shards/moves", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_LargestShareExactlyAtTheLimit_Passes()
    {
        var verdict = HotspotJudge.Judge(Measure(new Dictionary<string, long> { ["shard-0"] = 600, ["shard-1"] = 400 }, "shard-0", othersOnHotShard: 0));

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
        Assert.Contains(verdict.Figures, f => f.Name == "largest shard's share of the hot phase's writes" && f.Value == 60 && f.Ok == true);
    }

    [Fact]
    public void Judge_LargestShareJustOverTheLimit_Fails()
    {
        var verdict = HotspotJudge.Judge(Measure(new Dictionary<string, long> { ["shard-0"] = 601, ["shard-1"] = 399 }, "shard-0", othersOnHotShard: 0));

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("took 60.1%", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_EvenDistributionButOthersShareTheHotShard_Fails()
    {
        var verdict = HotspotJudge.Judge(Measure(Isolated, "shard-2", othersOnHotShard: 0.1));

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("10% of the other customers' writes went to the hot customer's shard (shard-2)", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains(verdict.Findings, f => f.Contains("dedicate an empty shard", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_LatencyRoseTenfold_StillPassesAndReportsIt()
    {
        var verdict = HotspotJudge.Judge(Measure(Isolated, "shard-2", othersOnHotShard: 0) with { BaselineOthersP99Ms = 20, HotOthersP99Ms = 200 });

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
        Assert.Contains(verdict.Figures, f => f.Name == "others' p99 under the hotspot" && f.Value == 200 && f.Ok == null);
    }

    [Fact]
    public void Judge_OthersFailing_Fails()
    {
        var verdict = HotspotJudge.Judge(Measure(Isolated, "shard-2", othersOnHotShard: 0) with { OthersErrorRate = 0.05 });

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
    }

    [Fact]
    public void Judge_NoRoutedRequests_Inconclusive()
    {
        var verdict = HotspotJudge.Judge(Measure(new Dictionary<string, long> { ["shard-0"] = 0, ["shard-1"] = 0 }, "shard-0", othersOnHotShard: 0));

        Assert.Equal(DrillOutcome.Inconclusive, verdict.Outcome);
    }

    [Fact]
    public void Options_MaxShardShareBelowHalf_RefusedNamingTheSetting()
    {
        var e = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => new HotspotDrill(new HotspotOptions { MaxShardShare = 0.4 }));

        Assert.Contains(nameof(HotspotOptions.MaxShardShare), e.Message, StringComparison.Ordinal);
    }

    private static HotspotMeasurement Measure(IReadOnlyDictionary<string, long> perShard, string hotShard, double othersOnHotShard) =>
        new(HotspotMitigation.DedicatedShard, 20, 24, 0, 0.5, perShard, hotShard, othersOnHotShard, 0.6);
}
