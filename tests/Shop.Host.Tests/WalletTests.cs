using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Shop.Host.Tests;

/// <summary>Event-sourced wallets over HTTP on the real host: 409s, balance as of a time, crypto-shredding.</summary>
public sealed class WalletTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Withdraw_MoreThanBalance_Returns409AndKeepsBalance()
    {
        await using var shop = await StartAsync(new FakeTimeProvider(Start));
        var id = await OpenAsync(shop.Client);
        await MoveAsync(shop.Client, id, "deposits", 1000);

        using var response = await SendAsync(shop.Client, $"/api/wallets/{id}/withdrawals", new { amountCents = 1001 });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("https://bulwark.dev/problems/insufficient-funds", problem.GetProperty("type").GetString());
        Assert.Equal(1000, (await GetAsync(shop.Client, id)).GetProperty("balanceCents").GetInt64());
    }

    [Fact]
    public async Task Withdraw_ParallelWithdrawals_NeverOverdraws()
    {
        await using var shop = await StartAsync(new FakeTimeProvider(Start));
        var id = await OpenAsync(shop.Client);
        await MoveAsync(shop.Client, id, "deposits", 1000);

        for (var round = 0; round < 3; round++)
        {
            var statuses = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
            {
                using var response = await SendAsync(shop.Client, $"/api/wallets/{id}/withdrawals", new { amountCents = 300 });
                return response.StatusCode;
            }));

            // Each success is one event at the next version; losers get 409 (conflict or insufficient funds), never a lost update.
            Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Conflict, $"unexpected {s}"));
            var balance = (await GetAsync(shop.Client, id)).GetProperty("balanceCents").GetInt64();
            var succeeded = statuses.Count(s => s == HttpStatusCode.OK);
            Assert.InRange(succeeded, 1, 3);
            Assert.Equal(1000 - (300 * succeeded), balance);
            await MoveAsync(shop.Client, id, "deposits", 1000 - balance);
        }

        Assert.Equal(1000, (await GetAsync(shop.Client, id)).GetProperty("balanceCents").GetInt64());
    }

    [Fact]
    public async Task Get_AsOfAPastTime_ReturnsTheBalanceThen()
    {
        var time = new FakeTimeProvider(Start);
        await using var shop = await StartAsync(time);
        var id = await OpenAsync(shop.Client);
        await MoveAsync(shop.Client, id, "deposits", 1000);
        time.Advance(TimeSpan.FromHours(1));
        await MoveAsync(shop.Client, id, "deposits", 500);
        await MoveAsync(shop.Client, id, "withdrawals", 300);

        var then = await GetAsync(shop.Client, id, Start.AddMinutes(30));
        var now = await GetAsync(shop.Client, id);
        using var before = await shop.Client.GetAsync($"/api/wallets/{id}?asOf={Uri.EscapeDataString(Start.AddMinutes(-1).ToString("O"))}", Ct);

        Assert.Equal(1000, then.GetProperty("balanceCents").GetInt64());
        Assert.Equal(1200, now.GetProperty("balanceCents").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
    }

    [Fact]
    public async Task ShredPersonalData_ThenReplay_OwnerUnreadableBalanceIntact()
    {
        var time = new FakeTimeProvider(Start);
        await using var shop = await StartAsync(time);
        var id = await OpenAsync(shop.Client);
        for (var i = 1; i <= 7; i++)
        {
            await MoveAsync(shop.Client, id, "deposits", 100 * i);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal("Ada Lovelace", (await GetAsync(shop.Client, id)).GetProperty("ownerName").GetString());

        using var shred = await shop.Client.DeleteAsync($"/api/wallets/{id}/personal-data", Ct);
        var after = await GetAsync(shop.Client, id);
        var asOf = await GetAsync(shop.Client, id, Start.AddMinutes(2).AddSeconds(30));

        Assert.Equal(HttpStatusCode.NoContent, shred.StatusCode);
        Assert.Equal("[shredded]", after.GetProperty("ownerName").GetString());
        Assert.Equal("[shredded]", after.GetProperty("ownerEmail").GetString());
        Assert.True(after.GetProperty("personalDataShredded").GetBoolean());
        Assert.Equal(2800, after.GetProperty("balanceCents").GetInt64());
        Assert.Equal(600, asOf.GetProperty("balanceCents").GetInt64());
    }

    [Fact]
    public async Task Deposit_WithoutIdempotencyKey_Returns400()
    {
        await using var shop = await StartAsync(new FakeTimeProvider(Start));
        var id = await OpenAsync(shop.Client);

        using var response = await shop.Client.PostAsJsonAsync($"/api/wallets/{id}/deposits", new { amountCents = 5 }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, (await GetAsync(shop.Client, id)).GetProperty("balanceCents").GetInt64());
    }

    // Snapshots every 3 events, so loads and shredded replays go through snapshot + tail, not only full replays.
    private static Task<RunningShop> StartAsync(FakeTimeProvider time) =>
        RunningShop.StartAsync(null, s => s.AddSingleton<TimeProvider>(time), "--Bulwark:EventSourcing:SnapshotEvery=3", "--Bulwark:RateLimiting:Tiers:anonymous:PermitLimit=1000000");

    private static async Task<string> OpenAsync(HttpClient client)
    {
        using var response = await SendAsync(client, "/api/wallets", new { ownerName = "Ada Lovelace", ownerEmail = "ada@example.com" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
    }

    private static async Task MoveAsync(HttpClient client, string id, string kind, long amountCents)
    {
        using var response = await SendAsync(client, $"/api/wallets/{id}/{kind}", new { amountCents });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        return await client.SendAsync(request, Ct);
    }

    private static Task<JsonElement> GetAsync(HttpClient client, string id, DateTimeOffset? asOf = null) =>
        client.GetFromJsonAsync<JsonElement>(asOf is null ? $"/api/wallets/{id}" : $"/api/wallets/{id}?asOf={Uri.EscapeDataString(asOf.Value.ToString("O"))}", Ct);
}
