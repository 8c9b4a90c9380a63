using Bulwark.Drills.Drift;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.Tests.Drift;

public sealed class DriftJudgeTests
{
    private static readonly DriftOptions Options = new() { DetectWithin = TimeSpan.FromSeconds(10) };

    [Fact]
    public void Judge_ReportedInTimeCountedAndDegraded_Passed()
    {
        var verdict = DriftJudge.Judge(new DriftMeasurements("4f0c2a91d3b7e655", "appsettings.json", TimeSpan.FromSeconds(1), 1, "Degraded"), Options);

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
        Assert.Contains("4f0c2a91d3b7e655", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_NeverReported_FailedNamingTheFileAndTheFix()
    {
        var verdict = DriftJudge.Judge(new DriftMeasurements("4f0c2a91d3b7e655", "appsettings.json", null, 0, "Healthy"), Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("appsettings.json", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains("bulwark_release_drift stayed 0", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains(verdict.Findings, f => f.Contains("DetectDrift", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_ReportedTooLate_Failed()
    {
        var verdict = DriftJudge.Judge(new DriftMeasurements("r", "Shop.Host.dll", TimeSpan.FromSeconds(11), 1, "Degraded"), Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
    }

    [Fact]
    public void Judge_NoMetricSeries_FailedSayingNoAlertCanFire()
    {
        var verdict = DriftJudge.Judge(new DriftMeasurements("r", "appsettings.json", TimeSpan.FromSeconds(1), null, "Degraded"), Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("no alert can fire", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_ReadinessStillHealthy_Failed()
    {
        var verdict = DriftJudge.Judge(new DriftMeasurements("r", "appsettings.json", TimeSpan.FromSeconds(1), 1, "Healthy"), Options);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("not Degraded", verdict.Reason, StringComparison.Ordinal);
    }
}
