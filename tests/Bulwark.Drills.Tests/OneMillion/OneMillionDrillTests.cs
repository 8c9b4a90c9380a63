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
/// test is what the shop does past it: as shipped, writes are admitted through a bulkhead sized from the pool (8 running,
/// 8 queued briefly) and the excess is shed with 503 + Retry-After before it takes a connection (issue 13); with that
/// shedding turned off and the request deadline raised past the client's, writes queue for a connection and hang.
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

    // Before issue 13 (no shedding, only the 5 s deadline) this passed 9 of 11 runs; 2 had requests hanging past the
    // client. With writes shed in front of the pool it passed 5 of 5 (docs/drills.md, One Million).
    [Fact]
    public async Task Run_SaturatedDatabaseShopAsShipped_PassesShedding503WithRetryAfter()
    {
        var report = await RunOnSaturatedDatabaseAsync("one_million_on");

        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        Assert.Contains(report.Verdict.Figures, f => f.Name.StartsWith("first saturated: " + SaturationSignals.DatabaseWriter, StringComparison.Ordinal));
        Assert.True(Figure(report, "past capacity: shed (429/503 + Retry-After)") > 0, report.Verdict.Reason);
        Assert.Equal(0, Figure(report, "past capacity: failed, hung or reset"));
    }

    [Fact]
    public async Task Run_SaturatedDatabaseWithoutSheddingNorTheRequestDeadline_FailsWithWritesHangingPastTheClient()
    {
        // Both bounds off: no admission in front of the pool, and the shop's 5 s request deadline raised past the drill
        // client's 10 s. (Either alone keeps the shop safe here: shedding alone passed, see docs/drills.md.)
        var report = await RunOnSaturatedDatabaseAsync("one_million_off", "--Bulwark:LoadShedding:Enabled=false", "--Bulwark:Deadlines:DefaultBudget=00:01:00");

        Assert.True(report.Verdict.Outcome == DrillOutcome.Failed, report.Verdict.Reason);
        Assert.Contains("fell over instead of shedding", report.Verdict.Reason, StringComparison.Ordinal);
        Assert.Equal(0, Figure(report, "past capacity: shed (429/503 + Retry-After)"));
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
