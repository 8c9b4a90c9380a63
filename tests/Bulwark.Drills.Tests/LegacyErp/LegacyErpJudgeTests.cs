using Bulwark.Drills.LegacyErp;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.Tests.LegacyErp;

public sealed class LegacyErpJudgeTests
{
    private static readonly LegacyErpOptions Defaults = new();
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(40);

    private static readonly LegacyErpMeasurement Clean = new(
        RowsSent: 67,
        Malformed: 7,
        Clean: new("erp-0000000004", false, 60, 0, Fast),
        Spoiled: new("erp-0000000012", false, 60, 7, Fast),
        Repeat: new("erp-0000000012", true, 0, 0, Fast),
        MovedAfterClean: [new(41, 36, 36), new(42, 30, 30)],
        MovedAfterSpoiled: [new(41, 48, 48), new(42, 42, 42)],
        BadOnly: [new(44, 29, 29), new(45, 864, 864)],
        ChangedByRepeat: 0,
        PlantedQuarantined: 7,
        PlantedQuarantinedTwice: 0,
        QuarantineGrowth: 7,
        QuarantineGrowthOnRepeat: 0,
        MetricGrowth: 7,
        MetricGrowthOnRepeat: 0,
        AnswersRead: 40,
        Leaks: []);

    [Fact]
    public void Judge_EveryBadLineQuarantinedGoodOnesAppliedOnce_Passes()
    {
        var verdict = LegacyErpJudge.Judge(Clean, Defaults);

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
        Assert.Contains("60 counts applied", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_CleanSyncSetAsideLinesOfItsOwn_PassesWhenThePlantedOnesComeOnTop()
    {
        var measured = Clean with { Clean = Clean.Clean with { Quarantined = 2 }, Spoiled = Clean.Spoiled with { Quarantined = 9 }, QuarantineGrowth = 9, MetricGrowth = 9 };

        Assert.Equal(DrillOutcome.Passed, LegacyErpJudge.Judge(measured, Defaults).Outcome);
    }

    [Fact]
    public void Judge_ABadOnlyProductChanged_Fails()
    {
        var verdict = LegacyErpJudge.Judge(Clean with { BadOnly = [new(44, 29, 500), new(45, 864, 864)] }, Defaults);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("product 44: 29 → 500", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_APlantedLineMissingFromTheQuarantine_Fails()
    {
        var measured = Clean with { PlantedQuarantined = 6, Spoiled = Clean.Spoiled with { Quarantined = 6 }, QuarantineGrowth = 6, MetricGrowth = 6 };

        var verdict = LegacyErpJudge.Judge(measured, Defaults);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("6 of 7 malformed lines are in the quarantine", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_CounterOrListDisagreesWithTheSync_Fails()
    {
        Assert.Contains("counter grew by 5", LegacyErpJudge.Judge(Clean with { MetricGrowth = 5 }, Defaults).Reason, StringComparison.Ordinal);
        Assert.Contains("list grew by 8", LegacyErpJudge.Judge(Clean with { QuarantineGrowth = 8 }, Defaults).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_CounterNotReadable_JudgesTheRestAndSaysSo()
    {
        var verdict = LegacyErpJudge.Judge(Clean with { MetricGrowth = null, MetricGrowthOnRepeat = null }, Defaults);

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
        Assert.Contains(verdict.Figures, f => f.Name == "quarantined-rows counter growth" && f.Value == -1);
    }

    [Fact]
    public void Judge_SameDeliveryAppliedAgain_Fails()
    {
        var measured = Clean with { Repeat = new("erp-9000000003", false, 60, 7, Fast), QuarantineGrowthOnRepeat = 7, MetricGrowthOnRepeat = 7 };

        var verdict = LegacyErpJudge.Judge(measured, Defaults);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("a delivery must be applied once", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_GoodLineNotInUnits_Fails()
    {
        // 8 packs of 6 held as 8: the pack was read as a unit.
        var verdict = LegacyErpJudge.Judge(Clean with { MovedAfterSpoiled = [new(41, 48, 8), new(42, 42, 42)] }, Defaults);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("product 41: 8 held, 48 expected", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_AnErpNameInAnAnswer_Fails()
    {
        var verdict = LegacyErpJudge.Judge(Clean with { Leaks = ["GET /api/inventory/41: field 'MATNR' (MATNR)"] }, Defaults);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("MATNR", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_SlowSync_Fails()
    {
        var verdict = LegacyErpJudge.Judge(Clean with { Spoiled = Clean.Spoiled with { Latency = TimeSpan.FromSeconds(31) } }, Defaults);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("31000 ms", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_ProductsPastTheErpsLastMaterial_Refused() =>
        Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => new LegacyErpDrill(new LegacyErpOptions { FirstProduct = 58 }));

    [Fact]
    public void Catalog_LegacyErp_CreatedWithItsErpFromOverrides()
    {
        var drill = DrillCatalog.Create("legacy-erp", overrides: DrillOptionOverrides.None.WithDefault("legacy-erp", "ErpUrl", "http://127.0.0.1:5105"));

        Assert.IsType<LegacyErpDrill>(drill);
        Assert.Contains("legacy-erp", DrillCatalog.Names);
    }
}
