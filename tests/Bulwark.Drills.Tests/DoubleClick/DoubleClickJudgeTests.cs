using Bulwark.Drills.DoubleClick;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.Tests.DoubleClick;

public sealed class DoubleClickJudgeTests
{
    [Fact]
    public void Judge_OneResourceSameAnswersAnd422OnReuse_Passes() =>
        Assert.Equal(DrillOutcome.Passed, DoubleClickJudge.Judge(new(10, Enumerable.Repeat(202, 10).ToArray(), 1, 422, 1)).Outcome);

    [Fact]
    public void Judge_TwoResources_Fails()
    {
        var verdict = DoubleClickJudge.Judge(new(10, Enumerable.Repeat(202, 10).ToArray(), 2, 422, null));

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("not idempotent", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_SomeCopiesRefused_Fails() =>
        Assert.Equal(DrillOutcome.Failed, DoubleClickJudge.Judge(new(10, [.. Enumerable.Repeat(202, 8), 409, 409], 1, 422, 1)).Outcome);

    [Fact]
    public void Judge_ReusedKeyAccepted_Fails() =>
        Assert.Equal(DrillOutcome.Failed, DoubleClickJudge.Judge(new(10, Enumerable.Repeat(202, 10).ToArray(), 1, 202, 1)).Outcome);

    [Fact]
    public void Judge_DependencyCalledTwice_Fails() =>
        Assert.Equal(DrillOutcome.Failed, DoubleClickJudge.Judge(new(10, Enumerable.Repeat(202, 10).ToArray(), 1, 422, 2)).Outcome);
}
