using Bulwark.ControlRoom.Alerts;
using Bulwark.ControlRoom.Hosting;
using Bulwark.ControlRoom.Panels;
using Bulwark.ControlRoom.Rendering;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.ControlRoom.Tests.Alerts;

/// <summary>The alerts panel against a Prometheus stand-in on Kestrel (loopback): what Prometheus' /api/v1/alerts answers.</summary>
public sealed class AlertsPanelTests
{
    private const string TwoAlerts = """
        {"status":"success","data":{"alerts":[
          {"labels":{"alertname":"HighLatencyP99","severity":"warning"},"annotations":{"summary":"p99 above 1 s","runbook_url":"docs/runbook.md#highlatencyp99"},"state":"pending","activeAt":"2026-12-06T09:58:00Z","value":"1.4e+00"},
          {"labels":{"alertname":"HighErrorRate","severity":"critical"},"annotations":{"summary":"5xx above 5% <b>now</b>","runbook_url":"https://runbooks.example/shop#higherrorrate"},"state":"firing","activeAt":"2026-12-06T09:50:00Z","value":"2.5e-01"},
          {"labels":{"alertname":"Sneaky","severity":"critical"},"annotations":{"summary":"x","runbook_url":"javascript:alert(1)"},"state":"firing","activeAt":"2026-12-06T09:55:00Z","value":"1"}
        ]}}
        """;

    private static readonly DateTimeOffset Now = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Render_FiringAlerts_SeveritySinceAndRunbookLinks_FiringFirst()
    {
        var (app, url) = await StubAsync(context => context.Response.WriteAsync(TwoAlerts, context.RequestAborted));
        await using var _ = app;

        var text = await RenderAsync(url, o => o.RunbookBaseUrl = new Uri("https://github.example/bulwark/blob/main/"));

        Assert.Contains("2 firing, 1 pending", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf("HighErrorRate", StringComparison.Ordinal) < text.IndexOf("Sneaky", StringComparison.Ordinal), "older critical first");
        Assert.True(text.IndexOf("Sneaky", StringComparison.Ordinal) < text.IndexOf("HighLatencyP99", StringComparison.Ordinal), "pending last");
        Assert.Contains("2026-12-06 09:50:00", text, StringComparison.Ordinal);
        Assert.Contains("10 min 0 s", text, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://runbooks.example/shop#higherrorrate\" rel=\"noopener noreferrer\">", text, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://github.example/bulwark/blob/main/docs/runbook.md#highlatencyp99\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"javascript:", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_RelativeRunbookWithoutABase_IsText()
    {
        var (app, url) = await StubAsync(context => context.Response.WriteAsync(TwoAlerts, context.RequestAborted));
        await using var _ = app;

        var text = await RenderAsync(url);

        Assert.Contains("<span>docs/runbook.md#highlatencyp99</span>", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_PrometheusRefusingConnections_ShowsUnreachable_WithoutThrowing()
    {
        var text = await RenderAsync(new Uri($"http://127.0.0.1:{FreePort.Refusing}"));

        Assert.Contains("Prometheus is unreachable", text, StringComparison.Ordinal);
        Assert.Contains("unknown, not absent", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_PrometheusNotAnsweringWithinTheTimeout_ShowsUnreachable_WithinBound()
    {
        // The stand-in never answers; the panel gives up after its Timeout, not the client's 100 s default.
        var (app, url) = await StubAsync(async context => await Task.Delay(Timeout.Infinite, context.RequestAborted));
        await using var _ = app;
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var text = await RenderAsync(url, o => o.Timeout = TimeSpan.FromMilliseconds(300));

        Assert.Contains("no answer within 300 ms", text, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData(500, "{}", "it answered 500")]
    [InlineData(200, "<html>login</html>", "its answer is not JSON")]
    [InlineData(200, "{\"status\":\"error\"}", "did not answer like Prometheus")]
    public async Task Render_AnswerThatIsNotAlerts_ShowsUnreachable(int status, string body, string expected)
    {
        var (app, url) = await StubAsync(context =>
        {
            context.Response.StatusCode = status;
            return context.Response.WriteAsync(body, context.RequestAborted);
        });
        await using var _ = app;

        var text = await RenderAsync(url);

        Assert.Contains("Prometheus is unreachable", text, StringComparison.Ordinal);
        Assert.Contains(expected, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_NoneActive_SaysSo_AndNotConfigured_SaysHowToSetIt()
    {
        var (app, url) = await StubAsync(context => context.Response.WriteAsync("""{"status":"success","data":{"alerts":[]}}""", context.RequestAborted));
        await using var _ = app;

        var none = await RenderAsync(url);
        var unset = await RenderAsync(null);

        Assert.Contains("No alert is firing or pending", none, StringComparison.Ordinal);
        Assert.Contains("Set Bulwark:ControlRoom:Alerts:PrometheusUrl", unset, StringComparison.Ordinal);
    }

    [Fact]
    public void AlertsUri_AppendsTheApiPath_ToABaseWithOrWithoutSlash()
    {
        Assert.Equal("http://prom:9090/api/v1/alerts", PrometheusAlerts.AlertsUri(new Uri("http://prom:9090")).ToString());
        Assert.Equal("http://proxy/prometheus/api/v1/alerts", PrometheusAlerts.AlertsUri(new Uri("http://proxy/prometheus/")).ToString());
    }

    private static async Task<string> RenderAsync(Uri? prometheus, Action<AlertsOptions>? configure = null)
    {
        var options = new ControlRoomOptions();
        options.Alerts.PrometheusUrl = prometheus;
        configure?.Invoke(options.Alerts);
        await using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var panel = new AlertsPanel(
            new PrometheusAlerts(services.GetRequiredService<IHttpClientFactory>(), Options.Create(options)), Options.Create(options), new FakeTimeProvider(Now));
        var html = new ControlRoomHtml("/control", "/control/panels/alerts/", "__token", "t");
        await panel.RenderAsync(html, Ct);
        return html.ToString();
    }

    private static async Task<(WebApplication App, Uri Url)> StubAsync(RequestDelegate answer)
    {
        var (app, url) = await LoopbackKestrel.StartAsync(_ => { }, app => app.MapGet("/api/v1/alerts", answer));
        return (app, url);
    }
}
