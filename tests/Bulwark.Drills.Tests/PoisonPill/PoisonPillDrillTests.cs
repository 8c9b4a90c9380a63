using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.PoisonPill;
using Bulwark.Drills.Tests.Interceptors;
using Microsoft.AspNetCore.Builder;

namespace Bulwark.Drills.Tests.PoisonPill;

/// <summary>Poison Pill end to end: the real shop's returns queue, a photo that is not an image, and its DLQ.</summary>
public sealed class PoisonPillDrillTests
{
    private static readonly PoisonPillOptions Quick = new() { GoodReturns = 10, SettleWithin = TimeSpan.FromSeconds(20), GoodWithin = TimeSpan.FromSeconds(15) };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_ShopWithItsDlq_PoisonDeadLetteredOnceGoodReturnsCompleteAndTheDlqIsCleanedUp()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider);

        var report = await new DrillRunner(TimeProvider.System).RunAsync(new PoisonPillDrill(Quick), Context(shop), Ct);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "good returns completed" && f.Value == 10);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "attempts before the DLQ" && f.Value == 1);
        Assert.True(report.Restored, report.RestoreError);
        Assert.Single(report.Timeline.Faults);
        using var admin = new HttpClient { BaseAddress = new Uri(shop.Urls.First()) };
        admin.DefaultRequestHeaders.Add("X-Api-Key", "demo-admin-key-change-me");
        Assert.Equal("[]", await admin.GetStringAsync("/admin/dlq?queue=returns", Ct));
    }

    [Fact]
    public async Task Run_ShopWithoutADlq_FailsBecauseThePoisonNeverLeavesTheQueue()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider, NoDeadLetterTransport.Register);
        var options = new PoisonPillOptions { GoodReturns = 10, SettleWithin = TimeSpan.FromSeconds(8) };

        var report = await new DrillRunner(TimeProvider.System).RunAsync(new PoisonPillDrill(options), Context(shop), Ct);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Failed, report.Verdict.Reason);
        Assert.Contains("never reached the DLQ", report.Verdict.Reason, StringComparison.Ordinal);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "poison messages in the DLQ" && f.Value == 0);
    }

    [Fact]
    public async Task Run_WithoutAnOperatorKey_IsSkippedNamingTheFlag()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider);
        var context = new DrillContext(new Uri(shop.Urls.First()), TimeProvider.System, new LoadGenerator(TimeProvider.System));

        var report = await new DrillRunner(TimeProvider.System).RunAsync(new PoisonPillDrill(Quick), context, Ct);

        Assert.Equal(DrillOutcome.Skipped, report.Verdict.Outcome);
        Assert.Contains("--api-key", report.Verdict.Reason, StringComparison.Ordinal);
    }

    private static DrillContext Context(WebApplication shop) =>
        new(new Uri(shop.Urls.First()), TimeProvider.System, new LoadGenerator(TimeProvider.System), [], ShopUnderTest.DrillHeaders);
}
