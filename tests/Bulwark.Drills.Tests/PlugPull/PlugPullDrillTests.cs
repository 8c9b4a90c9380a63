using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.PlugPull;
using Bulwark.Drills.Switches;
using Microsoft.AspNetCore.Builder;

namespace Bulwark.Drills.Tests.PlugPull;

/// <summary>Plug-Pull end to end: the real shop on Kestrel and the real payment-provider stand-in, over loopback.</summary>
public sealed class PlugPullDrillTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_ProviderHardDown_PassesAndRestoresTheProvider()
    {
        await using var provider = await StartProviderAsync();
        await using var shop = await StartShopAsync(provider);
        var drill = new PlugPullDrill(new PlugPullOptions
        {
            Duration = TimeSpan.FromSeconds(2),
            BrowseRatePerSecond = 150,
            BrowseMaxRequests = 300,
            PaymentMaxRequests = 10,
        });

        var report = await new DrillRunner(TimeProvider.System).RunAsync(drill, Context(shop, provider), Ct);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "charge attempts" && f.Value == 10);
        Assert.True(report.Restored);
        Assert.False(await ProviderIsDownAsync(provider));
        // The report's charts: the load second by second, and the window the provider was down, closed by the restore.
        var window = Assert.Single(report.Timeline.Faults);
        Assert.Equal("payments: Down", window.Name);
        Assert.NotNull(window.EndSeconds);
        Assert.True(report.Timeline.Buckets.Sum(b => b.Requests) >= 300, "browse and charges are on the timeline");
        Assert.Equal(["arrange", "exercise", "restore"], report.Timeline.Phases.Select(p => p.Name));
    }

    [Fact]
    public async Task Run_ProviderBlackholed_PassesBecauseChargesFailFast()
    {
        await using var provider = await StartProviderAsync();
        await using var shop = await StartShopAsync(provider);
        // The drill's own thresholds (2 s for a charge); long enough for the breaker to open: five hung calls at two
        // at a time take three one-second rounds, then charges are refused at once.
        var drill = new PlugPullDrill(new PlugPullOptions
        {
            Fault = DependencyFault.Blackhole,
            Duration = TimeSpan.FromSeconds(4),
            BrowseRatePerSecond = 100,
            BrowseMaxRequests = 200,
            PaymentMaxRequests = 10,
        });

        var report = await new DrillRunner(TimeProvider.System).RunAsync(drill, Context(shop, provider), Ct);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "charge attempts" && f.Value == 10);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "charge 503 with Retry-After" && f.Value == 10);
        Assert.True(report.Restored);
    }

    [Fact]
    public async Task Run_ProviderBlackholedWithAThresholdBelowTheAttemptTimeout_FailsBecauseChargesHang()
    {
        await using var provider = await StartProviderAsync();
        await using var shop = await StartShopAsync(provider);
        var drill = new PlugPullDrill(new PlugPullOptions
        {
            Fault = DependencyFault.Blackhole,
            Duration = TimeSpan.FromSeconds(1),
            BrowseRatePerSecond = 100,
            BrowseMaxRequests = 100,
            PaymentConcurrency = 2,
            PaymentMaxRequests = 2,
            PaymentsP99Threshold = TimeSpan.FromMilliseconds(500),
            RequestTimeout = TimeSpan.FromSeconds(1),
        });

        var report = await new DrillRunner(TimeProvider.System).RunAsync(drill, Context(shop, provider), Ct);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Failed, report.Verdict.Reason);
        Assert.Contains("hung", report.Verdict.Reason, StringComparison.Ordinal);
        Assert.True(report.Restored);
    }

    [Fact]
    public async Task Run_WithoutThePaymentSwitch_IsSkippedNamingTheFlag()
    {
        await using var provider = await StartProviderAsync();
        await using var shop = await StartShopAsync(provider);
        var context = new DrillContext(new Uri(shop.Urls.First()), TimeProvider.System, new LoadGenerator(TimeProvider.System));

        var report = await new DrillRunner(TimeProvider.System).RunAsync(new PlugPullDrill(), context, Ct);

        Assert.Equal(DrillOutcome.Skipped, report.Verdict.Outcome);
        Assert.StartsWith("skipped: ", report.Verdict.Reason, StringComparison.Ordinal);
        Assert.Contains("--payment-control", report.Verdict.Reason, StringComparison.Ordinal);
    }

    private static DrillContext Context(WebApplication shop, WebApplication provider) => new(
        new Uri(shop.Urls.First()),
        TimeProvider.System,
        new LoadGenerator(TimeProvider.System),
        [new StandInFaultSwitch("payments", new Uri(provider.Urls.First()))],
        ShopUnderTest.DrillHeaders);

    private static async Task<bool> ProviderIsDownAsync(WebApplication provider)
    {
        using var client = new HttpClient { BaseAddress = new Uri(provider.Urls.First()) };
        var status = await client.GetFromJsonAsync<JsonElement>("/_control/faults", Ct);
        return status.GetProperty("faults").GetProperty("down").GetBoolean();
    }

    private static Task<WebApplication> StartProviderAsync() => ShopUnderTest.StartProviderAsync();

    private static Task<WebApplication> StartShopAsync(WebApplication provider) => ShopUnderTest.StartShopAsync(provider);
}
