using System.Diagnostics.Metrics;
using System.Net;
using Bulwark.Observability.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Observability.Tests.Telemetry;

public sealed class MetricsEndpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MapBulwarkMetrics_Enabled_ServesBulwarkAndExtraMetersInPrometheusText()
    {
        await using var app = await StartAsync(["--Bulwark:Observability:Prometheus:Enabled=true"], o => o.Meters.Add("Demo.*"));
        using var bulwark = new Meter("Bulwark.Demo");
        using var demo = new Meter("Demo.Orders");
        using var ignored = new Meter("Other.Thing");
        bulwark.CreateCounter<long>("bulwark.demo.things").Add(3);
        demo.CreateCounter<long>("demo.orders.placed").Add(2);
        ignored.CreateCounter<long>("other.thing.count").Add(1);
        using var client = Client(app);

        using var response = await client.GetAsync("/metrics", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("bulwark_demo_things_total{", text, StringComparison.Ordinal);
        Assert.Contains("demo_orders_placed_total{", text, StringComparison.Ordinal);
        Assert.DoesNotContain("other_thing_count", text, StringComparison.Ordinal);
    }

    // Two hosts in one process (the tests and drills run the shop in process) each create a meter of the same name
    // through their own IMeterFactory. OpenTelemetry subscribes by name across the process, so each host counted the
    // other's meter into one shared stream, and when the other host stopped, its disposed meter switched that stream
    // off here: this host's counter left /metrics for good (the Cache Miss drill's "no load after the flush").
    [Fact]
    public async Task MapBulwarkMetrics_AnotherHostInTheProcessStops_KeepsCountingOnlyItsOwnMeters()
    {
        string[] args = ["--Bulwark:Observability:Prometheus:Enabled=true", "--Bulwark:Observability:Prometheus:ScrapeResponseCacheMilliseconds=0"];
        await using var app = await StartAsync(args, o => o.Meters.Add("Demo.*"));
        var other = await StartAsync(args, o => o.Meters.Add("Demo.*"));
        var mine = app.Services.GetRequiredService<IMeterFactory>().Create("Demo.Loads").CreateCounter<long>("demo.loads");
        var theirs = other.Services.GetRequiredService<IMeterFactory>().Create("Demo.Loads").CreateCounter<long>("demo.loads");
        using var client = Client(app);
        mine.Add(1);
        theirs.Add(5);

        var together = await ScrapeCounterAsync(client, "demo_loads_total");
        await other.DisposeAsync();
        mine.Add(1);
        var afterTheOtherStopped = await ScrapeCounterAsync(client, "demo_loads_total");
        mine.Add(1);
        var later = await ScrapeCounterAsync(client, "demo_loads_total");

        Assert.Equal(new long?[] { 1, 2, 3 }, [together, afterTheOtherStopped, later]);
    }

    [Fact]
    public async Task MapBulwarkMetrics_CustomPath_ServesThereOnly()
    {
        await using var app = await StartAsync(["--Bulwark:Observability:Prometheus:Enabled=true", "--Bulwark:Observability:Prometheus:Path=/internal/metrics"]);
        using var client = Client(app);

        using var custom = await client.GetAsync("/internal/metrics", Ct);
        using var standard = await client.GetAsync("/metrics", Ct);

        Assert.Equal(HttpStatusCode.OK, custom.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, standard.StatusCode);
    }

    [Fact]
    public async Task MapBulwarkMetrics_DisabledByDefault_NoEndpoint()
    {
        await using var app = await StartAsync([]);
        using var client = Client(app);

        using var response = await client.GetAsync("/metrics", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("metrics")]
    [InlineData("/me trics")]
    [InlineData("")]
    public async Task AddBulwarkObservability_InvalidPrometheusPath_FailsAtStart(string path)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            StartAsync(["--Bulwark:Observability:Prometheus:Enabled=true", $"--Bulwark:Observability:Prometheus:Path={path}"]));

        Assert.Contains("Prometheus", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthPublisher_CheckResults_BecomeTheStatusGaugeWithReadyLabel()
    {
        var healthy = true;
        await using var app = await StartAsync(
            ["--Bulwark:Observability:Prometheus:Enabled=true"],
            configureServices: s =>
            {
                s.AddHealthChecks()
                    .AddCheck("db", () => healthy ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(), ["ready"])
                    .AddCheck("cache", () => HealthCheckResult.Degraded());
                s.Configure<HealthCheckPublisherOptions>(o =>
                {
                    o.Delay = TimeSpan.Zero;
                    o.Period = TimeSpan.FromSeconds(1);
                });
            });
        using var client = Client(app);

        var up = await ScrapeUntilAsync(client, t => t.Contains("check=\"db\"", StringComparison.Ordinal));
        Assert.Contains("bulwark_health_status{otel_scope_name=\"Bulwark.Health\",check=\"db\",ready=\"true\"} 2", up, StringComparison.Ordinal);
        Assert.Contains("bulwark_health_status{otel_scope_name=\"Bulwark.Health\",check=\"cache\",ready=\"false\"} 1", up, StringComparison.Ordinal);

        healthy = false;
        await ScrapeUntilAsync(client, t => t.Contains("check=\"db\",ready=\"true\"} 0", StringComparison.Ordinal));
    }

    // Two hosts in one process (a stand-in beside the shop, a test run): OpenTelemetry finds meters by name, so without
    // the per-host filter A's scrape merged B's requests and B's own meters into A's series (docs/drills.md, 3 AM).
    [Fact]
    public async Task Scrape_AnotherHostInTheSameProcess_ShowsOnlyItsOwnInstruments()
    {
        await using var a = await StartAsync(["--Bulwark:Observability:Prometheus:Enabled=true"]);
        await using var b = await StartAsync(["--Bulwark:Observability:Prometheus:Enabled=true"], mapEndpoints: app => app.MapGet("/only-on-b", () => Results.Problem(statusCode: 503)));
        using var clientA = Client(a);
        using var clientB = Client(b);
        b.Services.GetRequiredService<IMeterFactory>().Create("Bulwark.OnlyOnB").CreateCounter<long>("bulwark.only_on_b").Add(1);
        for (var i = 0; i < 3; i++)
        {
            using var failed = await clientB.GetAsync("/only-on-b", Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        using var own = await clientA.GetAsync("/nothing-here", Ct);

        var onA = await clientA.GetStringAsync("/metrics", Ct);
        var onB = await clientB.GetStringAsync("/metrics", Ct);
        // The server's requests: the test's own HttpClient is process-wide (no host's meter factory), so both scrapes carry it.
        var servedByA = Served(onA);
        var servedByB = Served(onB);
        Assert.Contains("http_response_status_code=\"404\"", servedByA, StringComparison.Ordinal);
        Assert.DoesNotContain("503", servedByA, StringComparison.Ordinal);
        Assert.DoesNotContain("bulwark_only_on_b", onA, StringComparison.Ordinal);
        Assert.Contains("http_route=\"/only-on-b\"", servedByB, StringComparison.Ordinal);
        Assert.Contains("bulwark_only_on_b_total{", onB, StringComparison.Ordinal);
        Assert.DoesNotContain("404", servedByB, StringComparison.Ordinal);
    }

    private static string Served(string scrape) =>
        string.Join('\n', scrape.Split('\n').Where(l => l.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal)));

    private static async Task<string> ScrapeUntilAsync(HttpClient client, Func<string, bool> done)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var text = await client.GetStringAsync("/metrics", Ct);
            if (done(text))
            {
                return text;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the health gauge never showed the expected value:\n" + text);
            await Task.Delay(100, Ct);
        }
    }

    // The counter's value on this scrape, or null when the series is not exported at all.
    private static async Task<long?> ScrapeCounterAsync(HttpClient client, string name)
    {
        var text = await client.GetStringAsync("/metrics", Ct);
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(name + "{", StringComparison.Ordinal));
        return line is null ? null : long.Parse(line[(line.IndexOf('}', StringComparison.Ordinal) + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static HttpClient Client(WebApplication app) =>
        new() { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };

    private static async Task<WebApplication> StartAsync(
        string[] args,
        Action<BulwarkObservabilityOptions>? configure = null,
        Action<IServiceCollection>? configureServices = null,
        Action<WebApplication>? mapEndpoints = null)
    {
        var builder = WebApplication.CreateBuilder([.. args, "--Bulwark:Observability:JsonConsoleLogs=false"]);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.AddBulwarkObservability(configure);
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapBulwarkMetrics();
        mapEndpoints?.Invoke(app);
        try
        {
            await app.StartAsync(Ct);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }
}
