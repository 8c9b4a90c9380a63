using Bulwark.Drills.Idempotency;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.Tests.Idempotency;

public sealed class IdempotencyJudgeTests
{
    [Fact]
    public void Judge_OneEffectPerConsumer_Passes() =>
        Assert.Equal(DrillOutcome.Passed, IdempotencyJudge.Judge(new(2, new Dictionary<string, int> { ["credits"] = 1, ["mails"] = 1 })).Outcome);

    [Fact]
    public void Judge_ADuplicateHandled_Fails()
    {
        var verdict = IdempotencyJudge.Judge(new(2, new Dictionary<string, int> { ["credits"] = 2, ["mails"] = 1 }));

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("handled again", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_OneConsumerSilent_Fails() =>
        Assert.Equal(DrillOutcome.Failed, IdempotencyJudge.Judge(new(2, new Dictionary<string, int> { ["credits"] = 1, ["mails"] = 0 })).Outcome);

    [Fact]
    public void Judge_NothingArrived_IsInconclusive() =>
        Assert.Equal(DrillOutcome.Inconclusive, IdempotencyJudge.Judge(new(2, new Dictionary<string, int> { ["credits"] = 0, ["mails"] = 0 })).Outcome);
}
