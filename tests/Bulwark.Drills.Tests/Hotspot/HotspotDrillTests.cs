using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Drills.Hotspot;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Edge.Tests.Support;
using Bulwark.Testing;

namespace Bulwark.Drills.Tests.Hotspot;

/// <summary>
/// Hotspot end to end (issue 13, Codex 17): one sharded shop as its own process on real PostgreSQL (a catalog and three
/// shard databases, <c>shard-2</c> spare, as docs/sharding.md starts it), the drill run twice with a few seconds of small
/// load. With the hot customer's bucket moved to the spare the writes spread (no shard over 60%) and passes; without,
/// the hot customer's shard carries its half and its neighbours' quarter and fails. The first run's restore moves the
/// bucket back, so the second starts from the same map.
/// </summary>
public sealed class HotspotDrillTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_DedicatedShardThenNone_MitigationPassesAndTheControlFailsOnTheHotShard()
    {
        await RealServers.RequireAsync(RealServer.Postgres);
        var prefix = "drill_hotspot_" + Guid.NewGuid().ToString("N")[..12];
        string[] names = [prefix + "_catalog", prefix + "_s0", prefix + "_s1", prefix + "_s2"];
        try
        {
            var settings = new List<string>(ShopHostProcess.NoPerClientLimits)
            {
                $"--Shop:Sharding:CatalogConnectionString={await PostgresScratch.CreateAsync(names[0])}",
                "--Shop:Sharding:Shards:2:Spare=true",
            };
            for (var i = 0; i < 3; i++)
            {
                settings.Add($"--Shop:Sharding:Shards:{i}:ConnectionString={await PostgresScratch.CreateAsync(names[i + 1])}");
            }

            await using var shop = await ShopHostProcess.StartAsync(null, [.. settings]);
            using var admin = new HttpClient { BaseAddress = shop.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            admin.DefaultRequestHeaders.Add("X-Api-Key", "demo-admin-key-change-me");
            var startingMap = await BucketsPerShardAsync(admin);
            Assert.Equal(0, startingMap["shard-2"]);

            var mitigated = await RunAsync(shop, HotspotMitigation.DedicatedShard);
            Assert.True(mitigated.Verdict.Outcome == DrillOutcome.Passed, Describe(mitigated));
            Assert.Contains(mitigated.Verdict.Figures, f => f.Name == "load on shard-2 (hot customer's)" && f.Value is >= 45 and <= 55);
            Assert.Contains(mitigated.Verdict.Figures, f => f.Name == "others' writes on the hot customer's shard" && f.Value == 0);
            Assert.True(mitigated.Restored, Describe(mitigated));
            Assert.Equal(startingMap, await BucketsPerShardAsync(admin));

            var control = await RunAsync(shop, HotspotMitigation.None);
            Assert.True(control.Verdict.Outcome == DrillOutcome.Failed, Describe(control));
            var largest = Assert.Single(control.Verdict.Figures, f => f.Name == "largest shard's share of the hot phase's writes");
            Assert.True(largest.Value is >= 70 and <= 80, Describe(control));
            Assert.Contains(control.Verdict.Figures, f => f.Name == "others' writes on the hot customer's shard" && f.Value is >= 45 and <= 55);
            Assert.Contains(control.Verdict.Findings, f => f.Contains("/api/admin/shards/moves", StringComparison.Ordinal));
            Assert.Equal(startingMap, await BucketsPerShardAsync(admin));
        }
        finally
        {
            foreach (var name in names)
            {
                await PostgresScratch.DropAsync(name);
            }
        }
    }

    private static async Task<DrillReport> RunAsync(ShopHostProcess shop, HotspotMitigation mitigation)
    {
        var drill = new HotspotDrill(new HotspotOptions
        {
            Mitigation = mitigation,
            OthersRatePerSecond = 10,
            Duration = TimeSpan.FromSeconds(3),
            // A loaded two-core machine answers slowly; a cut request would count as an error, which is not what is judged.
            RequestTimeout = TimeSpan.FromSeconds(30),
        });
        var context = new DrillContext(shop.BaseAddress, TimeProvider.System, new LoadGenerator(TimeProvider.System), [], ShopUnderTest.DrillHeaders);
        var report = await new DrillRunner(TimeProvider.System).RunAsync(drill, context, Ct);
        DrillLog.Verdict(report);
        return report;
    }

    private static async Task<Dictionary<string, int>> BucketsPerShardAsync(HttpClient admin)
    {
        var map = await admin.GetFromJsonAsync<JsonElement>("/api/admin/shards", Ct);
        return map.GetProperty("shards").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("buckets").GetInt32());
    }

    private static string Describe(DrillReport report) =>
        $"{report.Verdict.Outcome}: {report.Verdict.Reason} | {string.Join("; ", report.Verdict.Findings)} | restored: {report.Restored}";
}
