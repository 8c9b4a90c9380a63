using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Payload;
using Microsoft.AspNetCore.Builder;

namespace Bulwark.Drills.Tests.Payload;

/// <summary>Payload end to end: hostile bodies against the real shop's order endpoint.</summary>
public sealed class PayloadDrillTests
{
    private static readonly PayloadOptions Quick = new() { Rounds = 2 };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_ShopWithItsLimits_EveryBodyRefusedWithItsProblemAndNothingWritten()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider);

        var report = await new DrillRunner(TimeProvider.System).RunAsync(new PayloadDrill(Quick), Context(shop), Ct);

        DrillLog.Verdict(report);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason + " | " + string.Join("; ", report.Verdict.Figures.Select(f => $"{f.Name}={f.Value}")));
        Assert.Contains(report.Verdict.Figures, f => f.Name == "orders written by hostile bodies" && f.Value == 0);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "working set growth");
    }

    [Fact]
    public async Task Run_ShopWithoutABodyLimit_FailsOnTheOversizeOrderWritten()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        // The limits switched off by configuration, as an operator could: Kestrel's and the idempotency fingerprint's.
        await using var shop = await ShopUnderTest.StartShopAsync(provider, "--Bulwark:Limits:MaxRequestBodyBytes=1073741824", "--Bulwark:Idempotency:MaxBodyBytes=67108864");

        var report = await new DrillRunner(TimeProvider.System).RunAsync(new PayloadDrill(Quick), Context(shop), Ct);

        DrillLog.Verdict(report);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Failed, report.Verdict.Reason);
        Assert.Contains("oversize", report.Verdict.Reason, StringComparison.Ordinal);
        Assert.Contains("written from hostile bodies", report.Verdict.Reason, StringComparison.Ordinal);
    }

    private static DrillContext Context(WebApplication shop) =>
        new(new Uri(shop.Urls.First()), TimeProvider.System, new LoadGenerator(TimeProvider.System), [], ShopUnderTest.DrillHeaders);
}
