using Bulwark.Drills.Model;
using Bulwark.Drills.Payload;

namespace Bulwark.Drills.Tests.Payload;

public sealed class PayloadJudgeTests
{
    private static readonly PayloadOptions Defaults = new();

    private static readonly PayloadProbe[] Refused =
    [
        new("oversize", 413, true), new("huge-json", 422, true), new("deep-nesting", 400, true), new("truncated", 400, true),
    ];

    [Fact]
    public void Judge_AllRefusedNothingWrittenMemoryFlat_Passes() =>
        Assert.Equal(DrillOutcome.Passed, PayloadJudge.Judge(new(Refused, 0, 100e6, 120e6), Defaults).Outcome);

    [Fact]
    public void Judge_A500_Fails()
    {
        var verdict = PayloadJudge.Judge(new([.. Refused, new("deep-nesting", 500, false)], 0, null, null), Defaults);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("deep-nesting", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_OversizeAcceptedAndWritten_Fails()
    {
        var verdict = PayloadJudge.Judge(new([new("oversize", 202, false), .. Refused[1..]], 1, null, null), Defaults);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("written from hostile bodies", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_RefusalWithoutProblemDetailsOrMemoryBlowUp_Fails()
    {
        Assert.Equal(DrillOutcome.Failed, PayloadJudge.Judge(new([new("oversize", 413, false), .. Refused[1..]], 0, null, null), Defaults).Outcome);
        Assert.Equal(DrillOutcome.Failed, PayloadJudge.Judge(new(Refused, 0, 100e6, 900e6), Defaults).Outcome);
    }
}
