using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Proxy;
using Bulwark.Drills.SplitBrain;
using Bulwark.Drills.Switches;
using Bulwark.Drills.Tests.Interceptors;
using Bulwark.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Bulwark.Drills.Tests.SplitBrain;

/// <summary>
/// Split-Brain end to end (issue 15): two real shops on Kestrel share one real PostgreSQL database, each through its
/// own fault proxy; the drill cuts B's. The shop passes (B refuses money with 503, browsing goes on, nothing diverges);
/// with B acknowledging deposits it could not write, the audit finds acknowledged money missing and the drill fails.
/// </summary>
public sealed class SplitBrainDrillTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_ShopRefusesMoneyWithoutItsDatabase_Passes()
    {
        var report = await RunAsync(partitionedServices: null);

        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason + " | " + string.Join("; ", report.Verdict.Findings));
        Assert.Contains(report.Verdict.Figures, f => f.Name == "deposits sent to B after the grace, partitioned" && f.Value > 0);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "acknowledged deposits missing from the database" && f.Value == 0);
        Assert.True(report.Restored);
    }

    [Fact]
    public async Task Run_PartitionedShopAcknowledgesMoneyOptimistically_FailsOnDivergence()
    {
        var report = await RunAsync(OptimisticMoneyWrites.Register);

        Assert.Equal(DrillOutcome.Failed, report.Verdict.Outcome);
        Assert.Contains("diverged", report.Verdict.Reason, StringComparison.Ordinal);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "acknowledged deposits missing from the database" && f.Value > 0);
        Assert.True(report.Restored);
    }

    private static async Task<DrillReport> RunAsync(Action<IServiceCollection>? partitionedServices)
    {
        await RealServers.RequireAsync(RealServer.Postgres);
        var database = "drill_split_brain_" + Guid.NewGuid().ToString("N")[..12];
        var connectionString = await PostgresScratch.CreateAsync(database);
        try
        {
            var upstream = new NpgsqlConnectionStringBuilder(connectionString);
            await using var proxyA = new FaultProxy(new FaultProxyOptions { UpstreamHost = upstream.Host!, UpstreamPort = upstream.Port }, TimeProvider.System).Start();
            await using var proxyB = new FaultProxy(new FaultProxyOptions { UpstreamHost = upstream.Host!, UpstreamPort = upstream.Port }, TimeProvider.System).Start();
            await using var provider = await ShopUnderTest.StartProviderAsync();
            // One after the other: the first start migrates the shared schema.
            await using var shopA = await ShopUnderTest.StartShopAsync(provider, [.. Args(connectionString, proxyA, "split-brain-a")]);
            await using var shopB = await ShopUnderTest.StartShopAsync(provider, partitionedServices, [.. Args(connectionString, proxyB, "split-brain-b")]);

            var drill = new SplitBrainDrill(new SplitBrainOptions { PartitionedTarget = shopB.Urls.First() });
            var context = new DrillContext(
                new Uri(shopA.Urls.First()),
                TimeProvider.System,
                new LoadGenerator(TimeProvider.System),
                [new ProxyDependencySwitch("database-b", proxyB)],
                ShopUnderTest.DrillHeaders);
            var report = await new DrillRunner(TimeProvider.System).RunAsync(drill, context, Ct);
            DrillLog.Verdict(report);
            Assert.False(proxyB.Faults.Refuse);
            return report;
        }
        finally
        {
            await PostgresScratch.DropAsync(database);
        }
    }

    private static IEnumerable<string> Args(string connectionString, FaultProxy proxy, string name) =>
    [
        "--Shop:Data:Provider=Postgres",
        $"--Shop:Data:ConnectionString={new NpgsqlConnectionStringBuilder(connectionString) { Host = "127.0.0.1", Port = proxy.EndPoint.Port, ApplicationName = name }}",
        // Load from one address is what the drill sends; a 429 is not what it tests.
        "--Bulwark:RateLimiting:Tiers:anonymous:PermitLimit=100000000",
        "--Bulwark:RateLimiting:Tiers:authenticated:PermitLimit=100000000",
    ];
}
