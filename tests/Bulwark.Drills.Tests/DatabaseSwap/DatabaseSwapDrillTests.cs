using Bulwark.Drills.DatabaseSwap;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Tests.Interceptors;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Drills.Tests.DatabaseSwap;

/// <summary>
/// Database Swap end to end (issue 13): two real shops of this build on Kestrel, one on SQLite (its own data folder)
/// and one on a fresh real PostgreSQL database, dropped after. Alike, the journey passes; with a business rule moved
/// into the PostgreSQL shop's catalogue adapter (prices in whole euros) the drill fails naming the order's total; two
/// shops on SQLite are not a swap.
/// </summary>
public sealed class DatabaseSwapDrillTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_SameBuildOnSqliteAndPostgres_Passes()
    {
        var report = await RunOnPostgresAsync(swappedServices: null);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason + " | " + string.Join("; ", report.Verdict.Findings));
        Assert.Contains("sqlite and on postgres", report.Verdict.Reason, StringComparison.Ordinal);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "journey steps compared" && f.Value >= 25);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "mismatches (status or business value)" && f.Value == 0);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "requests sent to the swapped shop" && f.Value <= 100);
        // The journey reached its refusals, not only its happy path: equal answers of nothing would prove nothing.
        var journey = Assert.Single(report.Verdict.Findings, f => f.StartsWith("Journey on the target:", StringComparison.Ordinal));
        foreach (var step in new[] { "place order 202", "sign up again, same e-mail 409", "sign in, wrong password 401", "withdrawal beyond the balance 409", "unknown order 404", "oversized sign-up 413" })
        {
            Assert.Contains(step, journey, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Run_BusinessRuleInThePostgresAdapter_FailsNamingTheOrdersTotal()
    {
        var report = await RunOnPostgresAsync(WholeEuroPrices.Register);

        Assert.Equal(DrillOutcome.Failed, report.Verdict.Outcome);
        Assert.Contains("'place order'", report.Verdict.Reason, StringComparison.Ordinal);
        // Product 3 costs 9.10 EUR; two of them, priced in whole euros on the swapped shop: 1820 against 1800.
        Assert.Contains("place order: totalCents is 1820 on the target, 1800 on the swapped shop", report.Verdict.Findings);
        Assert.Contains("order, settled: totalCents is 1820 on the target, 1800 on the swapped shop", report.Verdict.Findings);
        // Only what the moved rule touches differs: the wallet's steps, for one, answered alike.
        Assert.DoesNotContain(report.Verdict.Findings, f => f.StartsWith("deposit", StringComparison.Ordinal) || f.StartsWith("wallet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_BothShopsOnSqlite_InconclusiveNotASwap()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var target = await ShopUnderTest.StartShopAsync(provider);
        await using var other = await ShopUnderTest.StartShopAsync(provider);

        var report = await RunAsync(target, other);

        Assert.Equal(DrillOutcome.Inconclusive, report.Verdict.Outcome);
        Assert.Contains("Both shops run on sqlite: not a swap", report.Verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithoutTheSecondShop_SkippedSayingHowToGiveIt()
    {
        var drill = new DatabaseSwapDrill();
        var context = new DrillContext(new Uri("http://127.0.0.1:" + FreePort.Refusing), TimeProvider.System, new LoadGenerator(TimeProvider.System));

        var report = await new DrillRunner(TimeProvider.System).RunAsync(drill, context, Ct);

        Assert.Equal(DrillOutcome.Skipped, report.Verdict.Outcome);
        Assert.Contains("--dependency swapped=", report.Verdict.Reason, StringComparison.Ordinal);
    }

    private static async Task<DrillReport> RunOnPostgresAsync(Action<IServiceCollection>? swappedServices)
    {
        await RealServers.RequireAsync(RealServer.Postgres);
        var database = "drill_database_swap_" + Guid.NewGuid().ToString("N")[..12];
        var connectionString = await PostgresScratch.CreateAsync(database);
        try
        {
            await using var provider = await ShopUnderTest.StartProviderAsync();
            await using var target = await ShopUnderTest.StartShopAsync(provider);
            await using var swapped = await ShopUnderTest.StartShopAsync(
                provider, swappedServices, "--Shop:Data:Provider=Postgres", $"--Shop:Data:ConnectionString={connectionString}");
            return await RunAsync(target, swapped);
        }
        finally
        {
            await PostgresScratch.DropAsync(database);
        }
    }

    private static async Task<DrillReport> RunAsync(WebApplication target, WebApplication swapped)
    {
        var drill = new DatabaseSwapDrill(new DatabaseSwapOptions { SwappedUrl = new Uri(swapped.Urls.First()) });
        var context = new DrillContext(new Uri(target.Urls.First()), TimeProvider.System, new LoadGenerator(TimeProvider.System), defaultHeaders: ShopUnderTest.DrillHeaders);
        var report = await new DrillRunner(TimeProvider.System).RunAsync(drill, context, Ct);
        DrillLog.Verdict(report);
        foreach (var finding in report.Verdict.Findings)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(finding);
        }

        return report;
    }
}
