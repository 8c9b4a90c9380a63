using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Replay;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;

namespace Bulwark.Drills.Tests.Replay;

/// <summary>Replay end to end on the real shop: its projections rebuilt from position 0 over HTTP.</summary>
public sealed class ReplayDrillTests
{
    private static readonly IReadOnlyDictionary<string, string> AdminHeaders = new Dictionary<string, string> { ["X-Api-Key"] = "demo-admin-key-change-me" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_Shop_EveryProjectionRebuildsIntoTheSameReadModels()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider);

        var report = await RunAsync(shop);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "projections rebuilt from position 0" && f.Value >= 2);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "log position replayed (largest)" && f.Value >= 60);
    }

    [Fact]
    public async Task Run_ReadModelHoldsARowTheLogDoesNot_Fails()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider);
        // A "fix" applied straight to the read model, beside the projection: exactly what a replay cannot keep.
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(shop.Configuration["Shop:Data:Path"]!, "shop.db")};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO catalog_product_list VALUES (999, 'SKU-HAND', 'Hand-made', 'Not in the log', 'Test', 100, 'EUR', 1);";
            await insert.ExecuteNonQueryAsync(Ct);
        }

        var report = await RunAsync(shop);

        Assert.Equal(DrillOutcome.Failed, report.Verdict.Outcome);
        Assert.Contains("/api/products?pageSize=100", report.Verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithoutAnAdminKey_IsInconclusiveAndNamesTheFix()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider);
        // A rate-limit tier key, not an operator's.
        var notAdmin = new Dictionary<string, string> { ["X-Api-Key"] = "drill-load" };
        var context = new DrillContext(new Uri(shop.Urls.First()), TimeProvider.System, new LoadGenerator(TimeProvider.System), defaultHeaders: notAdmin);

        var report = await new DrillRunner(TimeProvider.System).RunAsync(new ReplayDrill(), context, Ct);

        Assert.Equal(DrillOutcome.Inconclusive, report.Verdict.Outcome);
        Assert.Contains("--api-key", report.Verdict.Reason, StringComparison.Ordinal);
    }

    private static Task<DrillReport> RunAsync(WebApplication shop)
    {
        var context = new DrillContext(new Uri(shop.Urls.First()), TimeProvider.System, new LoadGenerator(TimeProvider.System), defaultHeaders: AdminHeaders);
        return new DrillRunner(TimeProvider.System).RunAsync(new ReplayDrill(new ReplayOptions { MaxRebuild = TimeSpan.FromSeconds(20) }), context, Ct);
    }
}
