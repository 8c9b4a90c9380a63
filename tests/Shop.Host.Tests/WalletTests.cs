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
        using var owner = await shop.NewCustomerAsync();
        var id = await OpenAsync(owner.Client);
        await MoveAsync(owner.Client, id, "deposits", 1000);

        using var response = await SendAsync(owner.Client, $"/api/wallets/{id}/withdrawals", new { amountCents = 1001 });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("https://bulwark.dev/problems/insufficient-funds", problem.GetProperty("type").GetString());
        Assert.Equal(1000, (await GetAsync(owner.Client, id)).GetProperty("balanceCents").GetInt64());
    }

    [Fact]
    public async Task Withdraw_ParallelWithdrawals_NeverOverdraws()
    {
        await using var shop = await StartAsync(new FakeTimeProvider(Start));
        using var owner = await shop.NewCustomerAsync();
        var id = await OpenAsync(owner.Client);
        await MoveAsync(owner.Client, id, "deposits", 1000);

        for (var round = 0; round < 3; round++)
        {
            var statuses = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
            {
                using var response = await SendAsync(owner.Client, $"/api/wallets/{id}/withdrawals", new { amountCents = 300 });
                return response.StatusCode;
            }));

            // Each success is one event at the next version; losers get 409 (conflict or insufficient funds), never a lost update.
            Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Conflict, $"unexpected {s}"));
            var balance = (await GetAsync(owner.Client, id)).GetProperty("balanceCents").GetInt64();
            var succeeded = statuses.Count(s => s == HttpStatusCode.OK);
            Assert.InRange(succeeded, 1, 3);
            Assert.Equal(1000 - (300 * succeeded), balance);
            await MoveAsync(owner.Client, id, "deposits", 1000 - balance);
        }

        Assert.Equal(1000, (await GetAsync(owner.Client, id)).GetProperty("balanceCents").GetInt64());
    }

    [Fact]
    public async Task Get_AsOfAPastTime_ReturnsTheBalanceThen()
    {
        var time = new FakeTimeProvider(Start);
        await using var shop = await StartAsync(time);
        using var owner = await shop.NewCustomerAsync();
        var id = await OpenAsync(owner.Client);
        await MoveAsync(owner.Client, id, "deposits", 1000);
        time.Advance(TimeSpan.FromHours(1));
        await MoveAsync(owner.Client, id, "deposits", 500);
        await MoveAsync(owner.Client, id, "withdrawals", 300);

        var then = await GetAsync(owner.Client, id, Start.AddMinutes(30));
        var now = await GetAsync(owner.Client, id);
        using var before = await owner.Client.GetAsync($"/api/wallets/{id}?asOf={Uri.EscapeDataString(Start.AddMinutes(-1).ToString("O"))}", Ct);

        Assert.Equal(1000, then.GetProperty("balanceCents").GetInt64());
        Assert.Equal(1200, now.GetProperty("balanceCents").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
    }

    [Fact]
    public async Task ShredPersonalData_ThenReplay_OwnerUnreadableBalanceIntact()
    {
        var time = new FakeTimeProvider(Start);
        await using var shop = await StartAsync(time);
        using var owner = await shop.NewCustomerAsync();
        var id = await OpenAsync(owner.Client);
        for (var i = 1; i <= 7; i++)
        {
            await MoveAsync(owner.Client, id, "deposits", 100 * i);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal("Ada Lovelace", (await GetAsync(owner.Client, id)).GetProperty("ownerName").GetString());

        using var shred = await owner.Client.DeleteAsync($"/api/wallets/{id}/personal-data", Ct);
        var after = await GetAsync(owner.Client, id);
        var asOf = await GetAsync(owner.Client, id, Start.AddMinutes(2).AddSeconds(30));

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
        using var owner = await shop.NewCustomerAsync();
        var id = await OpenAsync(owner.Client);

        using var response = await owner.Client.PostAsJsonAsync($"/api/wallets/{id}/deposits", new { amountCents = 5 }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, (await GetAsync(owner.Client, id)).GetProperty("balanceCents").GetInt64());
    }

    [Fact]
    public async Task Open_WithPersonalData_IdempotencyStoreHoldsNoPlainTextPersonalData()
    {
        await using var shop = await StartAsync(new FakeTimeProvider(Start));
        using var owner = await shop.NewCustomerAsync();
        // Unique values, so a hit can only come from this test's requests.
        var name = "Grace Brewster " + Guid.NewGuid().ToString("N");
        var email = $"grace.{Guid.NewGuid():N}@example.com";
        string id;
        using (var opened = await SendAsync(owner.Client, "/api/wallets", new { ownerName = name, ownerEmail = email }))
        {
            Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
            id = (await opened.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        }

        await MoveAsync(owner.Client, id, "deposits", 250);
        await MoveAsync(owner.Client, id, "withdrawals", 50);

        // The idempotency store keeps each answer for 24 h, outside the reach of crypto-shredding: it must hold none.
        var stored = await IdempotencyRecordsAsync(shop);
        Assert.Equal(3, stored.Count);
        Assert.All(stored, record =>
        {
            Assert.DoesNotContain(name, record, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(email, record, StringComparison.OrdinalIgnoreCase);
        });

        // The owner is still readable where it is decrypted on each read, and forgettable.
        var wallet = await GetAsync(owner.Client, id);
        Assert.Equal(name, wallet.GetProperty("ownerName").GetString());
        Assert.Equal(200, wallet.GetProperty("balanceCents").GetInt64());
    }

    [Fact]
    public async Task Open_Replayed_AnswersTheSameWithoutPersonalData()
    {
        await using var shop = await StartAsync(new FakeTimeProvider(Start));
        using var owner = await shop.NewCustomerAsync();
        var key = Guid.NewGuid().ToString("N");

        using var first = await SendAsync(owner.Client, "/api/wallets", new { ownerName = "Ada Lovelace", ownerEmail = "ada@example.com" }, key);
        using var again = await SendAsync(owner.Client, "/api/wallets", new { ownerName = "Ada Lovelace", ownerEmail = "ada@example.com" }, key);
        var firstBody = await first.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(firstBody, await again.Content.ReadAsStringAsync(Ct));
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.DoesNotContain("Ada Lovelace", firstBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("ada@example.com", firstBody, StringComparison.OrdinalIgnoreCase);
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

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string path, object body, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString("N"));
        return await client.SendAsync(request, Ct);
    }

    // Every column of every idempotency record as text (the body is a BLOB of the answer's bytes).
    private static async Task<List<string>> IdempotencyRecordsAsync(RunningShop shop)
    {
        await using var connection = await shop.OpenDatabaseAsync();
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT key, fingerprint, owner, headers, body FROM bulwark_idempotency;";
        await using var reader = await query.ExecuteReaderAsync(Ct);
        var records = new List<string>();
        string Text(int ordinal) => reader.IsDBNull(ordinal) ? string.Empty : Convert.ToString(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture)!;
        while (await reader.ReadAsync(Ct))
        {
            var body = reader.IsDBNull(4) ? string.Empty : System.Text.Encoding.UTF8.GetString((byte[])reader.GetValue(4));
            // As text whatever the column type (PostgreSQL keeps the key as a uuid).
            records.Add(string.Join("|", Text(0), Text(1), Text(2), Text(3), body));
        }

        return records;
    }

    private static Task<JsonElement> GetAsync(HttpClient client, string id, DateTimeOffset? asOf = null) =>
        client.GetFromJsonAsync<JsonElement>(asOf is null ? $"/api/wallets/{id}" : $"/api/wallets/{id}?asOf={Uri.EscapeDataString(asOf.Value.ToString("O"))}", Ct);
}
