using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Shop.Host.Tests;

/// <summary>Codex 29: the shop's golden signals and its silent failures on the Prometheus endpoint.</summary>
[Collection(nameof(ScrapeTests))]
public sealed class MetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_Scrape_AnswersPrometheusTextWithTheShopsKeyMetrics()
    {
        await using var shop = await StartAsync();
        using (await shop.Client.GetAsync("/api/products", Ct))
        {
        }

        using var response = await shop.Client.GetAsync("/metrics", Ct);
        var scrape = PrometheusScrape.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(scrape.Series("http_server_request_duration_seconds_count"), s => s.Labels.Contains("http_route=\"/api/products/\"", StringComparison.Ordinal));
        Assert.True(scrape.Has("http_server_request_duration_seconds_bucket"), "latency histogram");
        Assert.Equal(0, scrape.Max("bulwark_messaging_dead_letter_depth"));
        Assert.Equal(0, scrape.Max("bulwark_outbox_backlog"));
        Assert.True(scrape.Has("bulwark_outbox_backlog_age_seconds"));
        Assert.Equal(0, scrape.Max("shop_payments_unreconciled_charges"));
        Assert.Contains(scrape.Series("bulwark_projections_lag"), s => s.Labels.Contains("projection=\"orders.history\"", StringComparison.Ordinal));
        Assert.Contains(scrape.Series("bulwark_projections_lag"), s => s.Labels.Contains("projection=\"catalog.product-list\"", StringComparison.Ordinal));
        // Every readiness check is reported healthy (2); the readiness alert watches for 0.
        var health = await Eventually.WaitAsync(
            async () => (await PrometheusScrape.FetchAsync(shop.Client, Ct)).Series("bulwark_health_status"),
            s => s.Any(x => x.Labels.Contains("check=\"draining\"", StringComparison.Ordinal)),
            "health results on the gauge");
        Assert.All(health, s => Assert.Equal(2, s.Value));
    }

    [Fact]
    public async Task Metrics_ScrapedOftenWithoutAKey_IsNeitherRateLimitedNorCountedAsTraffic()
    {
        await using var shop = await StartAsync();
        using var anonymous = new HttpClient { BaseAddress = shop.Client.BaseAddress };

        // More scrapes than the anonymous tier's 60 a minute: a throttled scrape would be a gap in every graph.
        for (var i = 0; i < 80; i++)
        {
            using var response = await anonymous.GetAsync("/metrics", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var scrape = await PrometheusScrape.FetchAsync(anonymous, Ct);
        Assert.DoesNotContain(scrape.Series("http_server_request_duration_seconds_count"), s => s.Labels.Contains("/metrics", StringComparison.Ordinal));
    }

    // The Codex's "Silent Failure" test: a poison message is parked and the shop keeps answering 200 — only the
    // dead-letter depth gauge (and the DeadLetterQueueNotEmpty alert on "> 0") tells anyone.
    [Fact]
    public async Task Metrics_PoisonReturnInTheDlq_DeadLetterDepthGaugeAboveZero()
    {
        await using var shop = await StartAsync();
        Assert.Equal(0, (await PrometheusScrape.FetchAsync(shop.Client, Ct)).Max("bulwark_messaging_dead_letter_depth"));

        using var customer = await shop.NewCustomerAsync();
        using var accepted = await ReturnsTests.PostReturnAsync(customer.Client, await ReturnsTests.PlaceOrderAsync(customer.Client), "Broken", ["just text, not a photo"u8.ToArray()]);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        var depth = await Eventually.WaitAsync(
            async () => (await PrometheusScrape.FetchAsync(shop.Client, Ct)).Max("bulwark_messaging_dead_letter_depth"),
            d => d > 0,
            "the dead-letter depth on /metrics above zero");
        Assert.Equal(1, depth);
        using var products = await shop.Client.GetAsync("/api/products", Ct);
        Assert.Equal(HttpStatusCode.OK, products.StatusCode);
        var admin = await shop.Admin.GetFromJsonAsync<JsonElement>("/admin/dlq/depth", Ct);
        Assert.Equal(1, admin.GetProperty("depth").GetInt64());
    }

    /// <summary>A shop whose DLQ gauge refreshes every second and whose health results are published at once.</summary>
    internal static async Task<RunningShop> StartAsync(params string[] extraArgs) =>
        (await RunningShop.StartAsync(
            services: s => s.Configure<HealthCheckPublisherOptions>(o =>
            {
                o.Delay = TimeSpan.Zero;
                o.Period = TimeSpan.FromSeconds(1);
            }),
            extraArgs: ["--Bulwark:Messaging:DeadLetterDepthRefreshInterval=00:00:01", .. extraArgs])).AsPartner();
}
