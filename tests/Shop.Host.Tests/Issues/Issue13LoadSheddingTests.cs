using System.Net;
using Bulwark.Resilience.Bulkhead;
using Bulwark.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Shop.Infrastructure.Data;

namespace Shop.Host.Tests.Issues;

/// <summary>
/// Issue 13 (One Million): the shop sheds writes in front of its database instead of letting them queue for a pooled
/// connection until their deadline, and exports the PostgreSQL pool's own gauges on <c>/metrics</c>.
/// </summary>
[Collection(nameof(ScrapeTests))]
public sealed class Issue13LoadSheddingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Write_DatabaseCompartmentFull_Answers503BulkheadFullWithRetryAfter_ReadsStillServed()
    {
        await using var shop = await RunningShop.StartAsync(extraArgs: ["--Bulwark:Resilience:Bulkheads:database:MaxConcurrency=1", "--Bulwark:Resilience:Bulkheads:database:QueueLimit=0"]);
        var database = shop.Services.GetRequiredService<BulkheadRegistry>().Get(ShopLoadShedding.Compartment);

        // The test takes the one slot, as a write holding it would.
        using (var slot = await database.AcquireAsync(Ct))
        {
            Assert.True(slot.IsAcquired);
            using var shed = await shop.ChargeAsync(new { });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, shed.StatusCode);
            Assert.NotNull(shed.Headers.RetryAfter);
            Assert.Contains("bulkhead-full", await shed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            using var read = await shop.Client.GetAsync("/api/products", Ct);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        using var admitted = await shop.ChargeAsync(new { });
        Assert.Equal(HttpStatusCode.BadRequest, admitted.StatusCode);
    }

    [Fact]
    public async Task Write_SheddingTurnedOff_IsNeverShed()
    {
        await using var shop = await RunningShop.StartAsync(extraArgs: ["--Bulwark:Resilience:Bulkheads:database:MaxConcurrency=1", "--Bulwark:Resilience:Bulkheads:database:QueueLimit=0", "--Bulwark:LoadShedding:Enabled=false"]);
        using var slot = await shop.Services.GetRequiredService<BulkheadRegistry>().Get(ShopLoadShedding.Compartment).AcquireAsync(Ct);

        using var write = await shop.ChargeAsync(new { });

        Assert.Equal(HttpStatusCode.BadRequest, write.StatusCode);
    }

    [Fact]
    public async Task ShopOnPostgres_SizesTheCompartmentFromThePool_AndExportsThePoolGauges()
    {
        await RealServers.RequireAsync(RealServer.Postgres);
        var name = $"shop_issue13_{Guid.NewGuid():N}"[..30];
        var connectionString = new NpgsqlConnectionStringBuilder(await PostgresScratch.CreateAsync(name)) { MaxPoolSize = 7 }.ConnectionString;
        try
        {
            await using var shop = await RunningShop.StartAsync(extraArgs: ["--Shop:Data:Provider=Postgres", $"--Shop:Data:ConnectionString={connectionString}", "--Bulwark:Resilience:Bulkheads:database:QueueLimit=3"]);
            var compartment = shop.Services.GetRequiredService<IOptionsMonitor<BulkheadOptions>>().Get(ShopLoadShedding.Compartment);
            Assert.Equal(7, compartment.MaxConcurrency);
            Assert.Equal(3, compartment.QueueLimit);

            using var write = await shop.ChargeAsync(new { });
            var scrape = await PrometheusScrape.FetchAsync(shop.Client, Ct);

            // One series per data source in the process (the test's own helpers have theirs): the shop's is the 7.
            var pools = scrape.Series(NpgsqlPool.MaxConnections);
            Assert.True(pools.Any(s => s.Value == 7), string.Join("; ", pools.Select(s => $"{{{s.Labels}}} {s.Value}")));
            Assert.Contains(scrape.Series(NpgsqlPool.Connections), s => s.Labels.Contains("state=\"idle\"", StringComparison.Ordinal));
            Assert.Contains(scrape.Series(NpgsqlPool.Connections), s => s.Labels.Contains("state=\"used\"", StringComparison.Ordinal));
            Assert.Contains(pools, s => s.Labels.Contains("db_client_connection_pool_name=", StringComparison.Ordinal));
            // Counted per command too; pending requests and timeouts appear with their first increment (docs/observability.md).
            Assert.True(scrape.Has(NpgsqlPool.OperationDurationCount), string.Join(", ", scrape.Names.Where(n => n.StartsWith("db_", StringComparison.Ordinal))));
        }
        finally
        {
            await PostgresScratch.DropAsync(name);
        }
    }

    /// <summary>The Prometheus names of Npgsql's pool instruments (docs/observability.md).</summary>
    private static class NpgsqlPool
    {
        public const string Connections = "db_client_connection_count";
        public const string MaxConnections = "db_client_connection_max";
        public const string OperationDurationCount = "db_client_operation_duration_seconds_count";
    }
}
