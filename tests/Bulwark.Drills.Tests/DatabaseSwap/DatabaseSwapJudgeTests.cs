using System.ComponentModel.DataAnnotations;
using Bulwark.Drills.DatabaseSwap;
using Bulwark.Drills.Model;
using Bulwark.Testing;

namespace Bulwark.Drills.Tests.DatabaseSwap;

public sealed class DatabaseSwapJudgeTests
{
    private static readonly DatabaseSwapOptions Defaults = new();
    private static readonly ShopIdentity OnSqlite = new("sqlite", null, null, "/app/bin");
    private static readonly ShopIdentity OnPostgres = new("postgres", null, null, "/app/bin");

    private static JourneyStep Step(string name, int status, params (string Field, string Value)[] fields) =>
        new(name, "GET /x", status, fields.ToDictionary(f => f.Field, f => f.Value, StringComparer.Ordinal), ExpectSuccess: status < 400);

    private static readonly JourneyStep[] Journey =
    [
        Step("sign up", 201, ("id", "\"{id1}\""), ("email", "\"swap-{id1}@example.com\"")),
        Step("place order", 202, ("id", "\"{id2}\""), ("totalCents", "3998"), ("status", "\"Pending\"")),
        Step("unknown order", 404, ("status", "404"), ("title", "\"Not Found\"")),
    ];

    private static DatabaseSwapMeasurement Measured(IReadOnlyList<JourneyStep> swapped) =>
        new(OnSqlite, OnPostgres, Journey, swapped, TimeSpan.FromMilliseconds(420), TimeSpan.FromMilliseconds(510), 27, 27);

    [Fact]
    public void Judge_EveryStatusAndValueAlike_Passes()
    {
        var verdict = DatabaseSwapJudge.Judge(Measured(Journey), Defaults);

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
        Assert.Contains("all 3 journey steps alike", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains(verdict.Figures, f => f.Name == "mismatches (status or business value)" && f.Value == 0 && f.Ok == true);
        Assert.Contains(verdict.Figures, f => f.Name == "journey time on the swapped shop (postgres)" && f.Value == 510 && f.Ok is null);
    }

    [Fact]
    public void Judge_ABusinessValueDiffers_FailsNamingStepFieldAndBothValues()
    {
        var changed = Journey.Select(s => s.Step == "place order" ? s with { Fields = new Dictionary<string, string>(s.Fields) { ["totalCents"] = "3800" } } : s).ToList();

        var verdict = DatabaseSwapJudge.Judge(Measured(changed), Defaults);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("'place order'", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains("place order: totalCents is 3998 on the target, 3800 on the swapped shop", verdict.Findings);
        Assert.Contains(verdict.Figures, f => f.Name == "mismatches (status or business value)" && f.Value == 1 && f.Ok == false);
    }

    [Fact]
    public void Judge_StatusDiffersAndAFieldMissing_EachNamed()
    {
        var changed = Journey.Select(s => s.Step == "unknown order" ? s with { Status = 500, Fields = new Dictionary<string, string> { ["status"] = "500" } } : s).ToList();

        var verdict = DatabaseSwapJudge.Judge(Measured(changed), Defaults);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("unknown order: status is 404 on the target, 500 on the swapped shop", verdict.Findings);
        Assert.Contains("unknown order: title is \"Not Found\" on the target, (absent) on the swapped shop", verdict.Findings);
    }

    [Fact]
    public void Compare_AStepOnlyOneSideHas_Named()
    {
        var mismatches = DatabaseSwapJudge.Compare(Journey, Journey.Take(2).ToList());

        var only = Assert.Single(mismatches);
        Assert.Equal(("unknown order", "(step)", "404", SwapMismatch.Absent), (only.Step, only.Field, only.Target, only.Swapped));
    }

    [Fact]
    public void Judge_ManyMismatches_ListsAtMostTheLimitAndCountsAll()
    {
        var wide = new[] { Step("products", 200, [.. Enumerable.Range(0, 30).Select(i => ($"items[{i}].priceCents", "100"))]) };
        var cheaper = new[] { Step("products", 200, [.. Enumerable.Range(0, 30).Select(i => ($"items[{i}].priceCents", "99"))]) };

        var verdict = DatabaseSwapJudge.Judge(new(OnSqlite, OnPostgres, wide, cheaper, TimeSpan.Zero, TimeSpan.Zero, 1, 1), new DatabaseSwapOptions { MaxListedMismatches = 5 });

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains(verdict.Figures, f => f.Name == "mismatches (status or business value)" && f.Value == 30);
        Assert.Contains("... and 25 more.", verdict.Findings);
    }

    [Fact]
    public void Judge_APartDegradedOnOneShopOnly_LeftOutAndNamedButTheRestCompared()
    {
        JourneyStep[] target = [Step("product page", 200, ("product.priceCents", "910"), ("degraded[0]", "\"recommendations\""), ("recommendations", "null"))];
        JourneyStep[] swapped = [Step("product page", 200, ("product.priceCents", "910"), ("degraded", "[]"), ("recommendations[0]", "33"), ("recommendations[1]", "44"))];
        JourneyStep[] cheaper = [swapped[0] with { Fields = new Dictionary<string, string>(swapped[0].Fields) { ["product.priceCents"] = "900" } }];

        var alike = DatabaseSwapJudge.Judge(new(OnSqlite, OnPostgres, target, swapped, TimeSpan.Zero, TimeSpan.Zero, 1, 1), Defaults);
        var different = DatabaseSwapJudge.Judge(new(OnSqlite, OnPostgres, target, cheaper, TimeSpan.Zero, TimeSpan.Zero, 1, 1), Defaults);

        Assert.Equal(DrillOutcome.Passed, alike.Outcome);
        Assert.Contains(alike.Figures, f => f.Name == "parts degraded on either shop, not compared" && f.Value == 1);
        Assert.Contains(alike.Findings, f => f.Contains("product page: recommendations", StringComparison.Ordinal));
        Assert.Equal(DrillOutcome.Failed, different.Outcome);
        Assert.Contains("product page: product.priceCents is 910 on the target, 900 on the swapped shop", different.Findings);
    }

    [Fact]
    public void Judge_JourneyBrokenOnTheTargetItself_Inconclusive()
    {
        var broken = Journey.Select(s => s.Step == "sign up" ? s with { Status = 503 } : s).ToList();

        var verdict = DatabaseSwapJudge.Judge(new(OnSqlite, OnPostgres, broken, broken, TimeSpan.Zero, TimeSpan.Zero, 3, 3), Defaults);

        Assert.Equal(DrillOutcome.Inconclusive, verdict.Outcome);
        Assert.Contains("'sign up'", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NotASwap_SameProvider_SaysSo() =>
        Assert.Contains("Both shops run on sqlite: not a swap", DatabaseSwapJudge.NotASwap(OnSqlite, OnSqlite with { Folder = "/app/bin" }), StringComparison.Ordinal);

    [Fact]
    public void NotASwap_DifferentReleases_SaysTheyAreDifferentBuilds()
    {
        var reason = DatabaseSwapJudge.NotASwap(OnSqlite with { ReleaseId = "r1", Commit = "abc" }, OnPostgres with { ReleaseId = "r2", Commit = "def" });

        Assert.Contains("different builds", reason, StringComparison.Ordinal);
        Assert.Contains("release r1 (commit abc)", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NotASwap_NoManifestAndDifferentFolders_DifferentBuilds() =>
        Assert.Contains("different builds", DatabaseSwapJudge.NotASwap(OnSqlite, OnPostgres with { Folder = "/other/bin" }), StringComparison.Ordinal);

    [Fact]
    public void NotASwap_SameReleaseOnTwoProviders_IsASwap()
    {
        Assert.Null(DatabaseSwapJudge.NotASwap(OnSqlite with { ReleaseId = "r1", Commit = "abc", Folder = "/a" }, OnPostgres with { ReleaseId = "r1", Commit = "abc", Folder = "/b" }));
        Assert.Null(DatabaseSwapJudge.NotASwap(OnSqlite, OnPostgres));
    }

    [Fact]
    public void Options_OutOfRange_Refused()
    {
        Assert.Throws<ValidationException>(() => new DatabaseSwapDrill(new DatabaseSwapOptions { SettleWithin = TimeSpan.FromMinutes(10) }));
        Assert.Throws<ValidationException>(() => new DatabaseSwapDrill(new DatabaseSwapOptions { Product = 0 }));
    }

    [Fact]
    public void Catalog_DatabaseSwap_CreatedWithItsSecondShopFromOverrides()
    {
        var drill = DrillCatalog.Create("database-swap", overrides: DrillOptionOverrides.None.WithDefault("database-swap", "SwappedUrl", $"http://127.0.0.1:{FreePort.Refusing}"));

        Assert.IsType<DatabaseSwapDrill>(drill);
        Assert.Contains("database-swap", DrillCatalog.Names);
        Assert.Contains("MongoDB", drill.Question, StringComparison.Ordinal);
    }
}
