using Bulwark.Drills.Bus;
using Bulwark.Drills.Idempotency;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Tests.Interceptors;
using Bulwark.Sqlite.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bulwark.Drills.Tests.Idempotency;

/// <summary>
/// (Message) Idempotency end to end: one OrderConfirmed published three times under one message id into the real shop's
/// embedded queue file, through a second SQLite transport of its own (as the CLI's --bus does); the shop's Rewards and
/// Notifications consumers must each act once.
/// </summary>
public sealed class IdempotencyDrillTests
{
    private static readonly IdempotencyOptions Quick = new() { Deliveries = 3, WatchAfter = TimeSpan.FromSeconds(2) };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_ShopWithItsInbox_OneEffectPerConsumer()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider);
        await using var bus = Bus(shop);

        var report = await new DrillRunner(TimeProvider.System).RunAsync(new IdempotencyDrill(Quick), Context(shop, bus), Ct);

        DrillLog.Verdict(report);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "reward credits for the order" && f.Value == 1);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "confirmation mails for the order" && f.Value == 1);
    }

    [Fact]
    public async Task Run_ShopWithoutAnInbox_FailsOnTheDuplicateHandledAgain()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider, NoInbox.Register);
        await using var bus = Bus(shop);

        var report = await new DrillRunner(TimeProvider.System).RunAsync(new IdempotencyDrill(Quick), Context(shop, bus), Ct);

        DrillLog.Verdict(report);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Failed, report.Verdict.Reason);
        Assert.Contains("handled again", report.Verdict.Reason, StringComparison.Ordinal);
        Assert.True(report.Verdict.Figures.Single(f => f.Name == "reward credits for the order").Value > 1);
    }

    [Fact]
    public async Task Run_WithoutABus_IsSkippedNamingTheFlag()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider);

        var report = await new DrillRunner(TimeProvider.System).RunAsync(new IdempotencyDrill(Quick), Context(shop, null), Ct);

        DrillLog.Verdict(report);

        Assert.Equal(DrillOutcome.Skipped, report.Verdict.Outcome);
        Assert.Contains("--bus", report.Verdict.Reason, StringComparison.Ordinal);
    }

    /// <summary>A transport of the drill's own on the shop's embedded queue file, as <c>--bus sqlite:PATH</c> opens it.</summary>
    internal static SqliteMessageTransport Bus(WebApplication shop) =>
        new(new SqliteTransportOptions { DatabasePath = Path.Combine(shop.Configuration["Shop:Data:Path"]!, "messaging.db") }, TimeProvider.System, NullLogger<SqliteMessageTransport>.Instance);

    private static DrillContext Context(WebApplication shop, SqliteMessageTransport? bus) =>
        new(new Uri(shop.Urls.First()), TimeProvider.System, new LoadGenerator(TimeProvider.System), [], ShopUnderTest.DrillHeaders,
            bus: bus is null ? null : new TransportBusInjector(bus, "sqlite"));
}
