using Bulwark.Drills.Bus;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Ordering;
using Bulwark.Drills.Tests.Idempotency;
using Bulwark.Drills.Tests.Interceptors;
using Bulwark.Sqlite.Messaging;
using Microsoft.AspNetCore.Builder;

namespace Bulwark.Drills.Tests.Ordering;

/// <summary>
/// Ordering end to end: the lifecycle events of 12 orders published reordered and duplicated into the real shop's
/// embedded queue file, through a second SQLite transport of its own (as the CLI's --bus does); the Rewards module's
/// points per order must end as each order's newest event says, none back to pending after its outcome.
/// </summary>
public sealed class OrderingDrillTests
{
    // Generous settle time: the drill waits for each wave's effects, and a loaded 2-core CI machine is slow to show them.
    private static readonly OrderingOptions Quick = new() { Orders = 12, SettleWithin = TimeSpan.FromSeconds(60), WatchAfter = TimeSpan.FromSeconds(2) };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_ShopWithItsSequenceGuard_EveryOrderEndsInItsNewestState()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider);
        await using var bus = IdempotencyDrillTests.Bus(shop);

        var report = await new DrillRunner(TimeProvider.System).RunAsync(new OrderingDrill(Quick), Context(shop, bus), Ct);

        DrillLog.Verdict(report);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "orders in the right final state" && f.Value == 12);
        Assert.Contains(report.Verdict.Figures, f => f.Name.StartsWith("orders resurrected", StringComparison.Ordinal) && f.Value == 0);
    }

    [Fact]
    public async Task Run_ShopWithoutTheSequenceGuard_FailsOnTheLateOlderEventsResurrectingOrders()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider, NoSequenceGuard.Register);
        await using var bus = IdempotencyDrillTests.Bus(shop);

        var report = await new DrillRunner(TimeProvider.System).RunAsync(new OrderingDrill(Quick), Context(shop, bus), Ct);

        DrillLog.Verdict(report);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Failed, report.Verdict.Reason);
        Assert.Contains("resurrected", report.Verdict.Reason, StringComparison.Ordinal);
        // The three orders whose rejection and the three whose confirmation overtook their "placed" event.
        Assert.Equal(6, report.Verdict.Figures.Single(f => f.Name.StartsWith("orders resurrected", StringComparison.Ordinal)).Value);
    }

    [Fact]
    public async Task Run_WithoutABus_IsSkippedNamingTheFlag()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider);

        var report = await new DrillRunner(TimeProvider.System).RunAsync(new OrderingDrill(Quick), Context(shop, null), Ct);

        Assert.Equal(DrillOutcome.Skipped, report.Verdict.Outcome);
        Assert.Contains("--bus", report.Verdict.Reason, StringComparison.Ordinal);
    }

    private static DrillContext Context(WebApplication shop, SqliteMessageTransport? bus) =>
        new(new Uri(shop.Urls.First()), TimeProvider.System, new LoadGenerator(TimeProvider.System), [], ShopUnderTest.DrillHeaders,
            bus: bus is null ? null : new TransportBusInjector(bus, "sqlite"));
}
