using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Sharding;
using Bulwark.Sharding.EventSourcing;
using Bulwark.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Shop.Host.Tests;

/// <summary>
/// Wallets sharded by customer across PostgreSQL databases (issue 13, item 4; docs/sharding.md), and the cross-shard
/// admin summary that names a shard missing its deadline. Skips locally (fails in CI) without PostgreSQL.
/// </summary>
public sealed class ShardedWalletTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OpenWallet_Sharded_LandsOnItsCustomersShardAndSummaryCountsEveryShard()
    {
        await using var databases = await ShardDatabases.CreateAsync(shards: 2);
        await using var shop = await RunningShop.StartAsync(null, null, [.. RunningShop.RoomyPaymentBudgets, .. databases.Args]);
        var router = shop.Services.GetRequiredService<IShardRouter>();
        var streams = shop.Services.GetRequiredService<ShardedEventStreams>();

        var wallets = new List<(Guid Customer, string Wallet)>();
        for (var i = 0; i < 6; i++)
        {
            using var customer = await shop.NewCustomerAsync();
            var id = await OpenAsync(customer.Client);
            using (var deposit = await PostAsync(customer.Client, $"/api/wallets/{id}/deposits", new { amountCents = 500 }))
            {
                Assert.Equal(HttpStatusCode.OK, deposit.StatusCode);
            }

            var wallet = await customer.Client.GetFromJsonAsync<JsonElement>($"/api/wallets/{id}", Ct);
            Assert.Equal(500, wallet.GetProperty("balanceCents").GetInt64());
            wallets.Add((customer.Id, id));
        }

        foreach (var (customer, wallet) in wallets)
        {
            Assert.True(ShardedIds.TryReadBucket(wallet, out var bucket));
            Assert.Equal(router.BucketOf(customer.ToString("N")), bucket);
            var owner = router.CurrentMap!.ShardOf(bucket);
            foreach (var (shard, store) in streams.Stores)
            {
                var events = await store.ReadStreamAsync("WalletAccount-" + wallet, 1, null, Ct);
                Assert.Equal(shard == owner ? 2 : 0, events.Count);
            }
        }

        var summary = await shop.Admin.GetFromJsonAsync<JsonElement>("/api/admin/wallets/summary", Ct);
        Assert.False(summary.GetProperty("partial").GetBoolean());
        Assert.Equal(6, summary.GetProperty("wallets").GetInt64());
        Assert.Equal(2, summary.GetProperty("shards").GetArrayLength());
        Assert.Empty(summary.GetProperty("missingShards").EnumerateArray());
    }

    [Fact]
    public async Task ForgetCustomer_Sharded_ShredsTheKeysOfTheirWalletsOnTheirShardOnly()
    {
        await using var databases = await ShardDatabases.CreateAsync(shards: 2);
        await using var shop = await RunningShop.StartAsync(null, null, [.. RunningShop.RoomyPaymentBudgets, .. databases.Args]);
        var customers = new List<(ShopCustomer Customer, string Wallet)>();
        for (var i = 0; i < 4; i++)
        {
            var customer = await shop.NewCustomerAsync();
            customers.Add((customer, await OpenAsync(customer.Client)));
        }

        try
        {
            var (forgotten, wallet) = customers[0];
            using (var forget = await shop.Admin.DeleteAsync($"/api/users/{forgotten.Id}/personal-data", Ct))
            {
                Assert.Equal(HttpStatusCode.OK, forget.StatusCode);
            }

            await Eventually.WaitAsync(
                () => shop.Admin.GetFromJsonAsync<JsonElement>($"/api/wallets/{wallet}", Ct),
                w => w.GetProperty("personalDataShredded").GetBoolean(),
                $"the forgotten customer's wallet {wallet} (on a shard) to be shredded");
            foreach (var (_, other) in customers.Skip(1))
            {
                Assert.False((await shop.Admin.GetFromJsonAsync<JsonElement>($"/api/wallets/{other}", Ct)).GetProperty("personalDataShredded").GetBoolean());
            }
        }
        finally
        {
            foreach (var (customer, _) in customers)
            {
                customer.Dispose();
            }
        }
    }

    [Fact]
    public async Task WalletSummary_ShardNotAnsweringBeforeDeadline_NamedAsMissingNotHidden()
    {
        await using var databases = await ShardDatabases.CreateAsync(shards: 2);
        await using var shop = await RunningShop.StartAsync(null, null, [.. RunningShop.RoomyPaymentBudgets, .. databases.Args]);
        using (var customer = await shop.NewCustomerAsync())
        {
            await OpenAsync(customer.Client);
        }

        // shard-1 holds its event table locked: its count waits for the lock, as a shard that stopped answering would.
        await using var blocker = new NpgsqlConnection(databases.ShardConnectionStrings[1]);
        await blocker.OpenAsync(Ct);
        await using var transaction = await blocker.BeginTransactionAsync(Ct);
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE bulwark_events IN ACCESS EXCLUSIVE MODE;", blocker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync(Ct);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/wallets/summary");
        var deadline = DateTimeOffset.UtcNow.AddSeconds(2);
        request.Headers.Add("X-Deadline", deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        var started = Stopwatch.GetTimestamp();
        using var response = await shop.Admin.SendAsync(request, Ct);
        var elapsed = Stopwatch.GetElapsedTime(started);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(summary.GetProperty("partial").GetBoolean());
        var missing = Assert.Single(summary.GetProperty("missingShards").EnumerateArray());
        Assert.Equal("shard-1", missing.GetProperty("shard").GetString());
        Assert.Equal("shard-0", Assert.Single(summary.GetProperty("shards").EnumerateArray()).GetProperty("shard").GetString());
        Assert.True(elapsed < TimeSpan.FromSeconds(2.5), $"answered after {elapsed}");
    }

    private static async Task<string> OpenAsync(HttpClient client)
    {
        using var response = await PostAsync(client, "/api/wallets", new { ownerName = "Ada Lovelace", ownerEmail = "ada@example.com" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        return await client.SendAsync(request, Ct);
    }
}
