using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace Shop.Host.Tests;

/// <summary>The shop's Group 1 edges: reporting bulkhead, rate limits per API key, payment breaker, deadlines.</summary>
public sealed class ResilienceEdgesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reports_Burst_RefusedWith503RetryAfterWhileCatalogueStaysFast()
    {
        await using var shop = await RunningShop.StartAsync(null, null, "--Bulwark:RateLimiting:Tiers:anonymous:PermitLimit=1000");

        var reports = Enumerable.Range(0, 12).Select(_ => shop.Client.GetAsync("/api/reports/price-distribution", Ct)).ToArray();
        var catalogue = new List<TimeSpan>();
        for (var i = 0; i < 20; i++)
        {
            var clock = Stopwatch.StartNew();
            using var product = await shop.Client.GetAsync($"/api/products/{1 + i}", Ct);
            catalogue.Add(clock.Elapsed);
            Assert.Equal(HttpStatusCode.OK, product.StatusCode);
        }

        var answers = await Task.WhenAll(reports);
        var refused = answers.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, r => Assert.NotNull(r.Headers.RetryAfter));
        Assert.Contains(answers, r => r.StatusCode == HttpStatusCode.OK);
        // One compartment slot (plus one queued) for reports: the other cores stay with the catalogue.
        Assert.True(catalogue.Max() < TimeSpan.FromSeconds(2), $"catalogue max {catalogue.Max()} while reports ran");
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }

    [Fact]
    public async Task RateLimit_AnonymousCaller_GetsHeadersThen429WithRetryAfter()
    {
        await using var shop = await RunningShop.StartAsync(null, null, "--Bulwark:RateLimiting:Tiers:anonymous:PermitLimit=5");

        for (var i = 0; i < 5; i++)
        {
            using var ok = await shop.Client.GetAsync("/api/products/1", Ct);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("5", ok.Headers.GetValues("X-RateLimit-Limit").Single());
            Assert.Equal((4 - i).ToString(System.Globalization.CultureInfo.InvariantCulture), ok.Headers.GetValues("X-RateLimit-Remaining").Single());
            Assert.True(ok.Headers.Contains("X-RateLimit-Reset"));
        }

        using var refused = await shop.Client.GetAsync("/api/products/1", Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        // Probes are never throttled.
        using var live = await shop.Client.GetAsync("/health/live", Ct);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task RateLimit_PartnerKeyAndUnknownKey_GetTheirOwnTiers()
    {
        await using var shop = await RunningShop.StartAsync(null, null, "--Bulwark:RateLimiting:Tiers:anonymous:PermitLimit=2");

        for (var i = 0; i < 10; i++)
        {
            using var partner = new HttpRequestMessage(HttpMethod.Get, "/api/products/1");
            partner.Headers.Add("X-Api-Key", "demo-partner-key");
            using var response = await shop.Client.SendAsync(partner, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("100", response.Headers.GetValues("X-RateLimit-Limit").Single());
        }

        using var unknown = new HttpRequestMessage(HttpMethod.Get, "/api/products/1");
        unknown.Headers.Add("X-Api-Key", "made-up-key");
        using var anonymous = await shop.Client.SendAsync(unknown, Ct);
        Assert.Equal("2", anonymous.Headers.GetValues("X-RateLimit-Limit").Single());
    }

    [Fact]
    public async Task Payments_ProviderKeepsFailing_BreakerOpensAndChargesFailFastWithoutCalls()
    {
        await using var standIns = await StandIns.StartAsync();
        await using var shop = await RunningShop.StartAsync(null, null, standIns.ShopArgs);
        await StandIns.SetFaultsAsync(standIns.Payments, new { errorRate = 1.0, errorStatus = 500 });

        // Five consecutive failed attempts open the breaker (retries count as attempts).
        for (var i = 0; i < 4; i++)
        {
            using var failed = await shop.Client.PostAsJsonAsync("/api/payments/charges", Charge(), Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        var callsWhenOpen = await StandIns.RequestCountAsync(standIns.Payments);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 5; i++)
        {
            using var refused = await shop.Client.PostAsJsonAsync("/api/payments/charges", Charge(), Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
        }

        Assert.Equal(callsWhenOpen, await StandIns.RequestCountAsync(standIns.Payments));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"five refusals took {clock.Elapsed}");
    }

    [Fact]
    public async Task Payments_ProviderHangs_ChargeEndsWithinTheRequestBudget()
    {
        await using var standIns = await StandIns.StartAsync();
        await using var shop = await RunningShop.StartAsync(null, null, [.. standIns.ShopArgs]);
        await StandIns.SetFaultsAsync(standIns.Payments, new { latencyMs = 30_000 });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/charges") { Content = JsonContent.Create(Charge()) };
        request.Headers.Add("X-Deadline", DateTimeOffset.UtcNow.AddSeconds(1.5).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));

        var clock = Stopwatch.StartNew();
        using var response = await shop.Client.SendAsync(request, Ct);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"the charge took {clock.Elapsed} against a 1.5 s budget");
        Assert.True(response.StatusCode is HttpStatusCode.GatewayTimeout or HttpStatusCode.ServiceUnavailable, $"got {(int)response.StatusCode}");
    }

    [Fact]
    public async Task Deadline_AlreadyExpired_504WithoutCallingTheProvider()
    {
        await using var standIns = await StandIns.StartAsync();
        await using var shop = await RunningShop.StartAsync(null, null, standIns.ShopArgs);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/charges") { Content = JsonContent.Create(Charge()) };
        request.Headers.Add("X-Deadline", DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var response = await shop.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(0, await StandIns.RequestCountAsync(standIns.Payments));
    }

    [Fact]
    public async Task Deadline_Malformed_400Problem()
    {
        await using var shop = await RunningShop.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/products/1");
        request.Headers.Add("X-Deadline", "tomorrow");

        using var response = await shop.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static object Charge() => new { reference = "order-9", amountCents = 1999, currency = "EUR", cardToken = "tok_visa" };
}
