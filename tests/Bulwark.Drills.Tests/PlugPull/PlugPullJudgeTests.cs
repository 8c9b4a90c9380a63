using Bulwark.Drills.Model;
using Bulwark.Drills.PlugPull;

namespace Bulwark.Drills.Tests.PlugPull;

public sealed class PlugPullJudgeTests
{
    private static readonly PlugPullOptions Options = new();

    [Fact]
    public void Judge_BrowseFastAndChargesFail503Fast_Passes()
    {
        var verdict = PlugPullJudge.Judge(new(Stats.Of((200, 1000, 20)), Stats.Of((503, 20, 50)), 20), Options);

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
        Assert.All(verdict.Figures.Where(f => f.Ok is not null), f => Assert.True(f.Ok, f.Name));
    }

    [Fact]
    public void Judge_BrowseP99OverThreshold_Fails()
    {
        // 2% of browse requests at 900 ms put p99 over the 500 ms threshold.
        var verdict = PlugPullJudge.Judge(new(Stats.Of((200, 980, 20), (200, 20, 900)), Stats.Of((503, 20, 50)), 20), Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("p99", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains(verdict.Figures, f => f.Name == "browse p99" && f.Ok == false);
    }

    [Fact]
    public void Judge_AnyBrowse5xx_Fails()
    {
        var verdict = PlugPullJudge.Judge(new(Stats.Of((200, 999, 20), (500, 1, 20)), Stats.Of((503, 20, 50)), 20), Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("500 × 1", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_ChargesHang_FailsAndAsksForATimeoutBudget()
    {
        var verdict = PlugPullJudge.Judge(new(Stats.Of((200, 1000, 20)), Stats.Of((0, 4, 15_000)), 0), Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("hung", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains(verdict.Findings, f => f.Contains("timeout budget", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_ChargesAnswer500InsteadOf503_Fails()
    {
        var verdict = PlugPullJudge.Judge(new(Stats.Of((200, 1000, 20)), Stats.Of((500, 20, 30)), 0), Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
    }

    [Fact]
    public void Judge_AChargeSucceeded_IsInconclusiveBecauseThePlugDidNotTake()
    {
        var verdict = PlugPullJudge.Judge(new(Stats.Of((200, 1000, 20)), Stats.Of((201, 1, 30), (503, 19, 30)), 19), Options);

        Assert.Equal(DrillOutcome.Inconclusive, verdict.Outcome);
    }

    [Fact]
    public void Judge_NothingBrowsed_IsInconclusive() =>
        Assert.Equal(DrillOutcome.Inconclusive, PlugPullJudge.Judge(new(Stats.Of(), Stats.Of((503, 1, 1)), 1), Options).Outcome);
}
