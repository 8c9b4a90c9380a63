using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.PartialFailure;
using Bulwark.Drills.Tests.Interceptors;
using Microsoft.AspNetCore.Builder;

namespace Bulwark.Drills.Tests.PartialFailure;

/// <summary>Partial Failure end to end: the real shop's order saga failing at stock, charge and shipping, and the provider's ledger.</summary>
public sealed class PartialFailureDrillTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_ShopWithItsCompensations_EveryOrderEndsConsistentNoReservationNoChargeKept()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider);

        var report = await new DrillRunner(TimeProvider.System).RunAsync(Drill(provider), Context(shop), Ct);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "orders" && f.Value == 8);
    }

    [Fact]
    public async Task Run_ShopThatForgetsToReleaseReservations_FailsNamingTheZombieReservation()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider, ForgetfulInventory.Register);

        var report = await new DrillRunner(TimeProvider.System).RunAsync(Drill(provider), Context(shop), Ct);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Failed, report.Verdict.Reason);
        Assert.Contains("zombie reservation", report.Verdict.Reason, StringComparison.Ordinal);
    }

    private static PartialFailureDrill Drill(WebApplication provider) =>
        new(new PartialFailureOptions { ProviderUrl = new Uri(provider.Urls.First()), SettleWithin = TimeSpan.FromSeconds(25) });

    private static DrillContext Context(WebApplication shop) =>
        new(new Uri(shop.Urls.First()), TimeProvider.System, new LoadGenerator(TimeProvider.System), [], ShopUnderTest.DrillHeaders);
}
