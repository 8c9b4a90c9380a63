using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Shop.Externals.Hosting;
using Shop.Externals.PaymentProvider;
using Shop.Externals.Recommendations;

namespace Shop.Externals.Tests;

public sealed class FaultControlTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("127.0.0.2", true)]
    [InlineData("192.0.2.10", false)]
    [InlineData("2001:db8::1", false)]
    public async Task Control_CallerAddress_OnlyLoopbackGetsThrough(string address, bool allowed)
    {
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(address);
        var reached = false;

        var result = await Shop.Externals.Faults.FaultControlEndpoints.LoopbackOnlyAsync(
            new Microsoft.AspNetCore.Http.DefaultEndpointFilterInvocationContext(http),
            _ =>
            {
                reached = true;
                return ValueTask.FromResult<object?>(null);
            });

        Assert.Equal(allowed, reached);
        if (!allowed)
        {
            Assert.Equal(403, Assert.IsType<Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult>(result).StatusCode);
        }
    }

    [Fact]
    public async Task ErrorRateOne_EveryRequest_Returns5xx()
    {
        await using var app = await StartAsync(RecommendationsApp.Create("http://127.0.0.1:0"));
        using var client = new HttpClient { BaseAddress = app.BaseAddress() };
        (await client.PutAsJsonAsync("/_control/faults", new { errorRate = 1.0, errorStatus = 502 }, Ct)).EnsureSuccessStatusCode();

        for (var i = 0; i < 25; i++)
        {
            using var response = await client.GetAsync("/recommendations/1", Ct);
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        }
    }

    [Fact]
    public async Task ErrorRateHalf_ManyRequests_FailsRoughlyHalf()
    {
        await using var app = await StartAsync(RecommendationsApp.Create("http://127.0.0.1:0"));
        using var client = new HttpClient { BaseAddress = app.BaseAddress() };
        (await client.PutAsJsonAsync("/_control/faults", new { errorRate = 0.5 }, Ct)).EnsureSuccessStatusCode();

        var failures = 0;
        for (var i = 0; i < 200; i++)
        {
            using var response = await client.GetAsync("/recommendations/1", Ct);
            failures += (int)response.StatusCode >= 500 ? 1 : 0;
        }

        Assert.InRange(failures, 60, 140);
    }

    [Fact]
    public async Task ClearFaults_AfterErrors_ServesNormallyAgain()
    {
        await using var app = await StartAsync(RecommendationsApp.Create("http://127.0.0.1:0"));
        using var client = new HttpClient { BaseAddress = app.BaseAddress() };
        (await client.PutAsJsonAsync("/_control/faults", new { errorRate = 1.0 }, Ct)).EnsureSuccessStatusCode();
        (await client.DeleteAsync("/_control/faults", Ct)).EnsureSuccessStatusCode();

        var list = await client.GetFromJsonAsync<RecommendationsApp.RecommendationList>("/recommendations/5", Ct);

        Assert.NotNull(list);
        Assert.NotEmpty(list.ProductIds);
        Assert.DoesNotContain(5, list.ProductIds);
    }

    [Fact]
    public async Task Down_Request_FailsAtTheConnectionWithoutResponse()
    {
        await using var app = await StartAsync(RecommendationsApp.Create("http://127.0.0.1:0"));
        using var client = new HttpClient { BaseAddress = app.BaseAddress() };
        (await client.PutAsJsonAsync("/_control/faults", new { down = true }, Ct)).EnsureSuccessStatusCode();

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/recommendations/1", Ct));
        using var health = await client.GetAsync("/health/live", Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Latency_Request_TakesAtLeastTheInjectedDelay()
    {
        await using var app = await StartAsync(RecommendationsApp.Create("http://127.0.0.1:0"));
        using var client = new HttpClient { BaseAddress = app.BaseAddress() };
        (await client.PutAsJsonAsync("/_control/faults", new { latencyMs = 300 }, Ct)).EnsureSuccessStatusCode();

        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync("/recommendations/1", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(290), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task SlowBody_Request_HeadersArriveBeforeTheBody()
    {
        await using var app = await StartAsync(RecommendationsApp.Create("http://127.0.0.1:0"));
        using var client = new HttpClient { BaseAddress = app.BaseAddress() };
        (await client.PutAsJsonAsync("/_control/faults", new { slowBodyMs = 500 }, Ct)).EnsureSuccessStatusCode();

        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync("/recommendations/1", HttpCompletionOption.ResponseHeadersRead, Ct);
        var headersAt = clock.Elapsed;
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("productIds", body, StringComparison.Ordinal);
        Assert.True(clock.Elapsed - headersAt >= TimeSpan.FromMilliseconds(300), $"headers at {headersAt}, body done at {clock.Elapsed}");
    }

    [Theory]
    [InlineData("{\"errorRate\":2}")]
    [InlineData("{\"latencyMs\":-5}")]
    [InlineData("{\"errorStatus\":200}")]
    [InlineData("{\"loseResponseRate\":1.5}")]
    [InlineData("{\"lostResponseStatus\":404}")]
    public async Task SetFaults_OutOfRange_Returns400AndKeepsPreviousFaults(string body)
    {
        await using var app = await StartAsync(RecommendationsApp.Create("http://127.0.0.1:0"));
        using var client = new HttpClient { BaseAddress = app.BaseAddress() };

        using var response = await client.PutAsync("/_control/faults", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);
        using var normal = await client.GetAsync("/recommendations/1", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, normal.StatusCode);
    }

    [Fact]
    public async Task Charge_SameIdempotencyKeyTwice_ChargesOnce()
    {
        await using var app = await StartAsync(PaymentProviderApp.Create("http://127.0.0.1:0"));
        using var client = new HttpClient { BaseAddress = app.BaseAddress() };
        var charge = new { reference = "order-1", amountCents = 1999, currency = "EUR", cardToken = "tok_visa" };

        using var first = new HttpRequestMessage(HttpMethod.Post, "/charges") { Content = JsonContent.Create(charge) };
        first.Headers.Add("Idempotency-Key", "k-1");
        using var second = new HttpRequestMessage(HttpMethod.Post, "/charges") { Content = JsonContent.Create(charge) };
        second.Headers.Add("Idempotency-Key", "k-1");
        using var r1 = await client.SendAsync(first, Ct);
        using var r2 = await client.SendAsync(second, Ct);
        var all = await client.GetFromJsonAsync<List<PaymentProviderApp.ChargeRecord>>("/charges", Ct);

        Assert.Equal(HttpStatusCode.Created, r1.StatusCode);
        Assert.Equal(HttpStatusCode.OK, r2.StatusCode);
        Assert.Single(all!);
    }

    [Fact]
    public async Task Charge_DeclinedCard_Returns402()
    {
        await using var app = await StartAsync(PaymentProviderApp.Create("http://127.0.0.1:0"));
        using var client = new HttpClient { BaseAddress = app.BaseAddress() };

        using var response = await client.PostAsJsonAsync("/charges", new { reference = "o", amountCents = 5, currency = "EUR", cardToken = PaymentProviderApp.DeclinedCard }, Ct);

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
    }

    [Fact]
    public async Task LoseResponse_Abort_ChargeRecordedButCallerGetsNoAnswer()
    {
        await using var app = await StartAsync(PaymentProviderApp.Create("http://127.0.0.1:0"));
        using var client = new HttpClient { BaseAddress = app.BaseAddress() };
        (await client.PutAsJsonAsync("/_control/faults", new { loseResponseRate = 1.0 }, Ct)).EnsureSuccessStatusCode();

        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => ChargeAsync(client, $"lost-{i}"));
        }

        // Reads are not lost: the ledger and the lookup by key show what the callers never heard about.
        var all = await client.GetFromJsonAsync<List<PaymentProviderApp.ChargeRecord>>("/charges", Ct);
        var found = await client.GetFromJsonAsync<List<PaymentProviderApp.ChargeRecord>>("/charges?idempotencyKey=lost-3", Ct);
        var status = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/_control/faults", Ct);
        Assert.Equal(5, all!.Count);
        Assert.All(all, c => Assert.Equal("succeeded", c.Status));
        var charge = Assert.Single(found!);
        Assert.Equal("lost-3", charge.IdempotencyKey);
        Assert.Equal(5, status.GetProperty("lostResponses").GetInt64());
    }

    [Fact]
    public async Task LoseResponse_Status503_ChargeRecordedRetryWithSameKeyReturnsIt()
    {
        await using var app = await StartAsync(PaymentProviderApp.Create("http://127.0.0.1:0"));
        using var client = new HttpClient { BaseAddress = app.BaseAddress() };
        (await client.PutAsJsonAsync("/_control/faults", new { loseResponseRate = 1.0, lostResponseStatus = 503 }, Ct)).EnsureSuccessStatusCode();

        using var lost = await ChargeAsync(client, "k-503");
        (await client.DeleteAsync("/_control/faults", Ct)).EnsureSuccessStatusCode();
        using var retried = await ChargeAsync(client, "k-503");
        var retriedCharge = await retried.Content.ReadFromJsonAsync<PaymentProviderApp.ChargeRecord>(Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, lost.StatusCode);
        // The idempotent retry answers with the charge the lost answer was about, not a second one.
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var only = Assert.Single((await client.GetFromJsonAsync<List<PaymentProviderApp.ChargeRecord>>("/charges", Ct))!);
        Assert.Equal(only.Id, retriedCharge!.Id);
    }

    [Fact]
    public async Task LookupByKey_UnknownKey_ReturnsEmptyAndCreatesNothing()
    {
        await using var app = await StartAsync(PaymentProviderApp.Create("http://127.0.0.1:0"));
        using var client = new HttpClient { BaseAddress = app.BaseAddress() };
        using (await ChargeAsync(client, "known"))
        {
        }

        var found = await client.GetFromJsonAsync<List<PaymentProviderApp.ChargeRecord>>("/charges?idempotencyKey=never-sent", Ct);

        Assert.Empty(found!);
        Assert.Single((await client.GetFromJsonAsync<List<PaymentProviderApp.ChargeRecord>>("/charges", Ct))!);
    }

    private static async Task<HttpResponseMessage> ChargeAsync(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/charges")
        {
            Content = JsonContent.Create(new { reference = "order-" + key, amountCents = 1999, currency = "EUR", cardToken = "tok_visa" }),
        };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request, Ct);
    }

    private static async Task<WebApplication> StartAsync(WebApplication app)
    {
        await app.StartAsync(Ct);
        return app;
    }
}
