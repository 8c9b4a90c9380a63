using Bulwark.Drills.LegacyErp;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Switches;
using Bulwark.Drills.Tests.Interceptors;
using Bulwark.Testing;
using Microsoft.Extensions.DependencyInjection;
using Shop.Externals.Hosting;
using Shop.Externals.LegacyErp;
using Shop.Inventory;

namespace Bulwark.Drills.Tests.LegacyErp;

/// <summary>
/// Legacy ERP end to end: the real shop on Kestrel syncing from the real legacy ERP stand-in through its
/// anti-corruption layer, and the same shop with a lenient translator or a forgetful facade put in front of it.
/// </summary>
public sealed class LegacyErpDrillTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_ShopWithItsAntiCorruptionLayer_QuarantinesEveryMalformedLineAndAppliesTheGoodOnesOnce_Passes()
    {
        var report = await RunAsync(null);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, Describe(report));
        Assert.Contains(report.Verdict.Figures, f => f.Name == "planted lines found in quarantine" && f.Value == 7);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "quarantined-rows counter growth" && f.Value == 7);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "stock lines sent in the spoiled export" && f.Value == 67);
    }

    [Fact]
    public async Task Run_TranslatorThatGuessesInsteadOfRejecting_GarbageReachesTheShelf_Fails()
    {
        var report = await RunAsync(services => services.AddHttpClient(InventoryModule.LegacyErpHttpClientName).AddHttpMessageHandler(() => new GuessingErpTranslator()));

        Assert.True(report.Verdict.Outcome == DrillOutcome.Failed, Describe(report));
        Assert.Contains("touched only by malformed lines changed", report.Verdict.Reason, StringComparison.Ordinal);
        Assert.Contains("must be quarantined exactly once", report.Verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FacadeThatMakesEveryReadANewDelivery_SameLinesAppliedTwice_Fails()
    {
        var report = await RunAsync(services => services.AddHttpClient(InventoryModule.LegacyErpHttpClientName).AddHttpMessageHandler(() => new ForgetfulErpDeliveries()));

        Assert.True(report.Verdict.Outcome == DrillOutcome.Failed, Describe(report));
        Assert.Contains("a delivery must be applied once", report.Verdict.Reason, StringComparison.Ordinal);
    }

    private static async Task<DrillReport> RunAsync(Action<IServiceCollection>? services)
    {
        await using var erp = HostLogFile.LogToFile(LegacyErpApp.Create("http://127.0.0.1:0", ["--Logging:LogLevel:Default=Warning", .. HostLogFile.ConsoleOff]), "legacy-erp");
        await erp.StartAsync(Ct);
        await using var provider = await ShopUnderTest.StartProviderAsync();
        // The background sync stays off (its default): the drill's operator syncs are the only ones.
        await using var shop = await ShopUnderTest.StartShopAsync(provider, services, $"--Shop:Inventory:LegacyErp:Url={erp.BaseAddress()}");
        var context = new DrillContext(
            new Uri(shop.Urls.First()),
            TimeProvider.System,
            new LoadGenerator(TimeProvider.System),
            [new StandInFaultSwitch(LegacyErpDrill.Dependency, erp.BaseAddress())],
            ShopUnderTest.DrillHeaders);

        var report = await new DrillRunner(TimeProvider.System).RunAsync(new LegacyErpDrill(new LegacyErpOptions { ErpUrl = erp.BaseAddress() }), context, Ct);

        DrillLog.Verdict(report);
        return report;
    }

    private static string Describe(DrillReport report) =>
        report.Verdict.Reason + " | " + string.Join("; ", report.Verdict.Figures.Select(f => $"{f.Name}={f.Value}"));
}
