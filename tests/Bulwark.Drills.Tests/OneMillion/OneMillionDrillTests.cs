using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.OneMillion;
using Bulwark.ShopClient;
using Microsoft.AspNetCore.Builder;

namespace Bulwark.Drills.Tests.OneMillion;

/// <summary>
/// One Million end to end: the real shop, a step load of catalogue reads and wallet deposits until the SLO breaks. On
/// this machine the embedded shop holds several hundred requests a second, and what gives first is the CPU it shares
/// with the load generator (both in this process) and everyone else's builds, different every run. The pass/fail pair
/// therefore runs the shop on real PostgreSQL behind a fault proxy adding 20 ms per hop, with a pool of 8 connections:
/// a database that saturates within a few requests a second, so the search finds its edge in seconds. What is under
/// test is what the shop does past it: as shipped, every request has a 5 s deadline, so most writes queued for a
/// connection are answered 504 before the client's 10 s; with the budget raised to 60 s, none are, and writes hang.
/// </summary>
public sealed class OneMillionDrillTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static OneMillionOptions Quick() => new()
    {
        StartRatePerSecond = 10,
        StepFactor = 2,
        MaxSteps = 5,
        OverloadSteps = 2,
        StepDuration = TimeSpan.FromSeconds(4),
        // A deposit on this slowed database takes ~0.6 s unqueued: the SLO is for queueing, not for the proxy's delay.
        SloP99 = TimeSpan.FromSeconds(2),
        WriteShare = 0.5,
        Customers = 2,
        Wallets = 8,
        ProbeWindow = TimeSpan.FromSeconds(1),
        RecoverWithin = TimeSpan.FromSeconds(20),
    };

    // Not asserted: Passed. The shop's 5 s deadline bounds most waits past the edge but not all: of eleven runs, nine
    // passed and two had requests hanging past the client (18 of 1,001; 176 of 997), so the outcome on this machine is
    // not deterministic. What is: the database is named first, and past it the deadline answers 504 (none without it).
    [Fact]
    public async Task Run_SaturatedDatabaseShopAsShipped_NamesTheDatabaseAndItsDeadlineAnswers504()
    {
        var report = await RunOnSaturatedDatabaseAsync("one_million_on");

        Assert.True(report.Verdict.Outcome is DrillOutcome.Passed or DrillOutcome.Failed, report.Verdict.Reason);
        Assert.Contains(report.Verdict.Figures, f => f.Name.StartsWith("first saturated: " + SaturationSignals.DatabaseWriter, StringComparison.Ordinal));
        Assert.True(Figure(report, "past capacity: answered by the server's deadline (504)") > 0, report.Verdict.Reason);
    }

    [Fact]
    public async Task Run_SaturatedDatabaseWithoutTheRequestDeadline_FailsWithWritesHangingPastTheClient()
    {
        // The shop's bound on how long a request may wait (5 s as shipped) raised past the drill client's 10 s.
        var report = await RunOnSaturatedDatabaseAsync("one_million_off", "--Bulwark:Deadlines:DefaultBudget=00:01:00");

        Assert.True(report.Verdict.Outcome == DrillOutcome.Failed, report.Verdict.Reason);
        Assert.Contains("fell over instead of shedding", report.Verdict.Reason, StringComparison.Ordinal);
        Assert.Equal(0, Figure(report, "past capacity: answered by the server's deadline (504)"));
    }

    private static double Figure(DrillReport report, string name) => report.Verdict.Figures.Single(f => f.Name == name).Value;

    [Fact]
    public async Task Run_EmbeddedShop_MeasuresACapacityAndWhatItDidPastIt()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider);
        var options = Quick();
        options.StartRatePerSecond = 80;
        options.SloP99 = TimeSpan.FromMilliseconds(500);
        options.MaxSteps = 5;
        options.StepDuration = TimeSpan.FromSeconds(3);
        options.WriteShare = 0.2;
        options.Customers = 4;

        var report = await new DrillRunner(TimeProvider.System).RunAsync(new OneMillionDrill(options), Context(shop), Ct);

        DrillLog.Verdict(report);
        // Where the embedded shop's edge lies depends on what else this machine runs; what is certain is a measurement.
        Assert.NotEqual(DrillOutcome.Skipped, report.Verdict.Outcome);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "step 1 p99");
    }

    private static async Task<DrillReport> RunOnSaturatedDatabaseAsync(string purpose, params string[] shopArgs)
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var database = await SlowPostgres.StartAsync(purpose, maxPoolSize: 8);
        await using var shop = await ShopUnderTest.StartShopAsync(provider, [.. database.ShopArgs, .. shopArgs]);
        // The catalogue read once at full speed, as a shop in service has it cached; then the database slows down.
        using (var client = new HttpClient { BaseAddress = new Uri(shop.Urls.First()) })
        {
            using var products = await client.GetAsync(new Uri(ShopPaths.Products(), UriKind.Relative), Ct);
            Assert.True(products.IsSuccessStatusCode, $"GET {ShopPaths.Products()} answered {(int)products.StatusCode}");
        }

        database.SlowDown();
        var report = await new DrillRunner(TimeProvider.System).RunAsync(new OneMillionDrill(Quick()), Context(shop), Ct);
        DrillLog.Verdict(report);
        return report;
    }

    private static DrillContext Context(WebApplication shop) =>
        new(new Uri(shop.Urls.First()), TimeProvider.System, new LoadGenerator(TimeProvider.System), [], ShopUnderTest.DrillHeaders);
}
