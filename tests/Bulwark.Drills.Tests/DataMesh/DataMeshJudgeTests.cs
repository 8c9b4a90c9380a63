using Bulwark.Drills.DataMesh;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.Tests.DataMesh;

/// <summary>The Data Mesh verdict rules, without a shop.</summary>
public sealed class DataMeshJudgeTests
{
    private static readonly DataMeshOptions Defaults = new();

    [Fact]
    public void Judge_ForgottenGoneOtherKeptFreshAndMatching_Passes()
    {
        var verdict = DataMeshJudge.Judge(Measured(), Defaults);

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
        Assert.Contains(verdict.Figures, f => f.Name == "age after the build" && f.Ok == true);
    }

    [Fact]
    public void Judge_ForgottenCustomerStillInTheNextVersion_FailsNamingTheBuilder()
    {
        var verdict = DataMeshJudge.Judge(Measured() with { ARowsAfter = 2 }, Defaults);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("does not leave forgotten subjects out", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains(verdict.Findings, f => f.Contains("IForgottenSubjects", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_OtherCustomerLostWithTheForgottenOne_Fails()
    {
        var verdict = DataMeshJudge.Judge(Measured() with { BRowsAfter = 0 }, Defaults);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("customer B's", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_RawIdInTheFile_Fails()
    {
        var verdict = DataMeshJudge.Judge(Measured() with { RawValuesFound = ["customer A's id in v1"] }, Defaults);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("customer A's id in v1", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_OneCustomerUnderTwoPseudonymsOrTwoUnderOne_Fails()
    {
        Assert.Equal(DrillOutcome.Failed, DataMeshJudge.Judge(Measured() with { APseudonyms = ["p1", "p2"] }, Defaults).Outcome);
        Assert.Equal(DrillOutcome.Failed, DataMeshJudge.Judge(Measured() with { BPseudonyms = ["pa"] }, Defaults).Outcome);
    }

    [Fact]
    public void Judge_OldFileServedAsNewest_Fails()
    {
        var verdict = DataMeshJudge.Judge(Measured() with { LatestIsFirstFile = true }, Defaults);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("built before the erasure", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_StaleOrNoAge_Fails()
    {
        Assert.Equal(DrillOutcome.Failed, DataMeshJudge.Judge(Measured() with { Age = TimeSpan.FromHours(2) }, Defaults).Outcome);
        Assert.Equal(DrillOutcome.Failed, DataMeshJudge.Judge(Measured() with { Age = null }, Defaults).Outcome);
    }

    [Fact]
    public void Judge_ErasureNotIdempotentOrUnknownNotAProblem_Fails()
    {
        Assert.Contains("second time", DataMeshJudge.Judge(Measured() with { ForgetAgainSaidAlready = false }, Defaults).Reason, StringComparison.Ordinal);
        Assert.Contains("does not exist", DataMeshJudge.Judge(Measured() with { ForgetUnknownStatus = 200 }, Defaults).Reason, StringComparison.Ordinal);
        Assert.Contains("no working erasure", DataMeshJudge.Judge(Measured() with { ForgetStatus = 404 }, Defaults).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_ContractDisagreesWithTheFileOrSlowBuild_Fails()
    {
        Assert.Contains("'total_cents' is integer", DataMeshJudge.Judge(Measured() with { ContractMismatches = ["'total_cents' is integer in the contract, string in the file"] }, Defaults).Reason, StringComparison.Ordinal);
        Assert.Contains("A build took", DataMeshJudge.Judge(Measured() with { After = new BuiltVersion(2, 1, TimeSpan.FromMinutes(2)) }, Defaults).Reason, StringComparison.Ordinal);
    }

    private static DataMeshMeasurements Measured() => new(
        Product: "orders",
        OrdersPerCustomer: 2,
        Before: new BuiltVersion(1, 4, TimeSpan.FromMilliseconds(40)),
        After: new BuiltVersion(2, 2, TimeSpan.FromMilliseconds(30)),
        ARowsBefore: 2,
        BRowsBefore: 2,
        APseudonyms: ["pa"],
        BPseudonyms: ["pb"],
        RawValuesFound: [],
        ForgetStatus: 200,
        ForgetAgainStatus: 200,
        ForgetAgainSaidAlready: true,
        ForgetUnknownStatus: 404,
        ForgetUnknownIsProblem: true,
        ARowsAfter: 0,
        BRowsAfter: 2,
        LatestListed: 2,
        LatestIsFirstFile: false,
        Age: TimeSpan.FromSeconds(1),
        Slo: TimeSpan.FromHours(1),
        ContractMismatches: []);
}
