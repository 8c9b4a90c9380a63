using Bulwark.Drills.DoubleClick;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Switches;

namespace Bulwark.Drills.Tests.DoubleClick;

/// <summary>Double-Click end to end: the real shop's <c>POST /api/orders</c> and the payment stand-in's request counter.</summary>
public sealed class DoubleClickDrillTests
{
    [Fact]
    public async Task Run_ShopOrders_OneOrderOneChargeAnd422OnReuse()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider);
        var context = new DrillContext(
            new Uri(shop.Urls.First()),
            TimeProvider.System,
            new LoadGenerator(TimeProvider.System),
            [new StandInFaultSwitch("payments", new Uri(provider.Urls.First()))],
            ShopUnderTest.DrillHeaders);

        var report = await new DrillRunner(TimeProvider.System).RunAsync(
            new DoubleClickDrill(new DoubleClickOptions { Copies = 10, SettleFor = TimeSpan.FromSeconds(3) }), context, TestContext.Current.CancellationToken);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "requests reaching the dependency" && f.Value == 1);
    }
}
