using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Recovery;
using Bulwark.Drills.Switches;

namespace Bulwark.Drills.Tests.Recovery;

/// <summary>Recovery end to end: the real shop, the real payment-provider stand-in and its request counter.</summary>
public sealed class RecoveryDrillTests
{
    [Fact]
    public async Task Run_ShopWithBudgetedRetriesAndBreaker_RecoversWithBoundedAmplification()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        // A short break so the half-open probe comes inside the test's recovery window.
        await using var shop = await ShopUnderTest.StartShopAsync(provider, "--Bulwark:Resilience:CircuitBreakers:payments:BreakDuration=00:00:01");
        var drill = new RecoveryDrill(new RecoveryOptions
        {
            Outage = TimeSpan.FromSeconds(1),
            RecoveryWindow = TimeSpan.FromSeconds(3),
            RecoverWithin = TimeSpan.FromSeconds(2.5),
            ClientRatePerSecond = 30,
        });
        var context = new DrillContext(
            new Uri(shop.Urls.First()),
            TimeProvider.System,
            new LoadGenerator(TimeProvider.System),
            [new StandInFaultSwitch("payments", new Uri(provider.Urls.First()))],
            ShopUnderTest.DrillHeaders);

        var report = await new DrillRunner(TimeProvider.System).RunAsync(drill, context, TestContext.Current.CancellationToken);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        var amplification = Assert.Single(report.Verdict.Figures, f => f.Name.StartsWith("amplification", StringComparison.Ordinal));
        // Retries are budgeted and the breaker stops calls while open: far below the 3x of unbounded retries.
        Assert.InRange(amplification.Value, 0.5, 2.0);
        using var control = new HttpClient { BaseAddress = new Uri(provider.Urls.First()) };
        var status = await control.GetFromJsonAsync<JsonElement>("/_control/faults", TestContext.Current.CancellationToken);
        Assert.False(status.GetProperty("faults").GetProperty("down").GetBoolean());
    }
}
