using Bulwark.Drills.Ddos;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.Tests.Ddos;

public sealed class DdosJudgeTests
{
    private static readonly DdosOptions Options = new() { ExpectedLimitPerSecond = 100 };

    [Fact]
    public void Judge_ExcessGot429WithRetryAfterAndQuietUnaffected_Passes()
    {
        // 3000 sent in 10 s against a 100/s limit: 2000 excess, all rejected.
        var measured = new DdosMeasurements(Stats.Of((200, 60, 5)), Stats.Of((200, 200, 6)), Stats.Of((200, 1000, 5), (429, 2000, 2)), 2000, 10);

        var verdict = DdosJudge.Judge(measured, Options);

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
    }

    [Fact]
    public void Judge_No429AtAll_FailsNamingTheMissingRateLimiter()
    {
        var measured = new DdosMeasurements(Stats.Of((200, 60, 5)), Stats.Of((200, 200, 6)), Stats.Of((200, 3000, 5)), 0, 10);

        var verdict = DdosJudge.Judge(measured, Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("no 429", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains(verdict.Findings, f => f.Contains("rate limiter", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_429WithoutRetryAfter_Fails()
    {
        var measured = new DdosMeasurements(Stats.Of((200, 60, 5)), Stats.Of((200, 200, 6)), Stats.Of((200, 1000, 5), (429, 2000, 2)), 1500, 10);

        Assert.Equal(DrillOutcome.Failed, DdosJudge.Judge(measured, Options).Outcome);
    }

    [Fact]
    public void Judge_QuietP99Tripled_FailsEvenWithTheLimiter()
    {
        var measured = new DdosMeasurements(Stats.Of((200, 60, 100)), Stats.Of((200, 190, 100), (200, 10, 900)), Stats.Of((200, 1000, 5), (429, 2000, 2)), 2000, 10);

        var verdict = DdosJudge.Judge(measured, Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("slowed everyone", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_QuietCallersGot429_FailsAsNotPartitioned()
    {
        var measured = new DdosMeasurements(Stats.Of((200, 60, 5)), Stats.Of((200, 190, 6), (429, 10, 1)), Stats.Of((200, 1000, 5), (429, 2000, 2)), 2000, 10);

        var verdict = DdosJudge.Judge(measured, Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("not partitioned", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_TooFew429ForTheExcess_Fails()
    {
        var measured = new DdosMeasurements(Stats.Of((200, 60, 5)), Stats.Of((200, 200, 6)), Stats.Of((200, 2500, 5), (429, 500, 2)), 500, 10);

        Assert.Equal(DrillOutcome.Failed, DdosJudge.Judge(measured, Options).Outcome);
    }
}
