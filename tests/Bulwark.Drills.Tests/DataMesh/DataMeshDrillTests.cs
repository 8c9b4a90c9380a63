using Bulwark.Drills.DataMesh;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Tests.Interceptors;
using Microsoft.AspNetCore.Builder;

namespace Bulwark.Drills.Tests.DataMesh;

/// <summary>
/// Data Mesh end to end (issue 14, Codex 33) on the real shop on Kestrel: two customers order, the orders product is
/// built and read as Parquet, one customer is forgotten through the operator's erasure, and the next version must lack
/// them and keep the other.
/// </summary>
public sealed class DataMeshDrillTests
{
    // A 429 is not what this drill tests; nor is a 504 from a cold shop on a saturated CI machine.
    private static readonly string[] ShopArgs =
    [
        "--Bulwark:RateLimiting:Tiers:anonymous:PermitLimit=100000000",
        "--Bulwark:RateLimiting:Tiers:authenticated:PermitLimit=100000000",
        "--Bulwark:Deadlines:DefaultBudget=00:00:30",
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_ShopThatLeavesForgottenCustomersOut_Passes()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider, ShopArgs);

        var report = await new DrillRunner(TimeProvider.System).RunAsync(new DataMeshDrill(Options()), Context(shop), Ct);

        DrillLog.Verdict(report);
        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "forgotten customer's rows after" && f.Value == 0);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "other customer's rows after" && f.Value == 2);
        Assert.True(report.Restored, report.RestoreError);
    }

    [Fact]
    public async Task Run_BuilderThatIgnoresForgottenSubjects_FailsNamingTheForgottenCustomersRows()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider, NobodyForgotten.Register, ShopArgs);

        var report = await new DrillRunner(TimeProvider.System).RunAsync(new DataMeshDrill(Options()), Context(shop), Ct);

        DrillLog.Verdict(report);
        Assert.True(report.Verdict.Outcome == DrillOutcome.Failed, report.Verdict.Reason);
        Assert.Contains("does not leave forgotten subjects out", report.Verdict.Reason, StringComparison.Ordinal);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "forgotten customer's rows after" && f.Value == 2);
    }

    [Fact]
    public async Task Run_WithoutAnOperatorKey_IsSkippedNamingTheOption()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider, ShopArgs);

        var report = await new DrillRunner(TimeProvider.System).RunAsync(
            new DataMeshDrill(Options()),
            new DrillContext(new Uri(shop.Urls.First()), TimeProvider.System, new LoadGenerator(TimeProvider.System)),
            Ct);

        Assert.Equal(DrillOutcome.Skipped, report.Verdict.Outcome);
        Assert.Contains("--api-key", report.Verdict.Reason, StringComparison.Ordinal);
    }

    // Generous: time is judged on the builds only, and a loaded CI machine may take long to decide the orders.
    private static DataMeshOptions Options() => new() { SettleWithin = TimeSpan.FromSeconds(120), BuildWithin = TimeSpan.FromSeconds(60), RequestTimeout = TimeSpan.FromSeconds(120) };

    private static DrillContext Context(WebApplication shop) =>
        new(new Uri(shop.Urls.First()), TimeProvider.System, new LoadGenerator(TimeProvider.System), [], ShopUnderTest.DrillHeaders);
}
