using System.Diagnostics;
using System.Net;
using Bulwark.ControlRoom.Tests.Drills;
using Bulwark.ControlRoom.Tests.Edge;
using Bulwark.Drills.Model;
using Bulwark.Messaging;
using Bulwark.Messaging.DeadLetters;
using Bulwark.Resilience.CircuitBreaker;
using Deque.AxeCore.Playwright;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Polly.CircuitBreaker;

namespace Bulwark.ControlRoom.Tests.Browser;

/// <summary>The Control Room in a real browser (Debian's chromium, headless) against the real shop on Kestrel.</summary>
public sealed class ControlRoomBrowserTests
{
    private static readonly string[] Panels =
        ["breakers", "bulkheads", "rate-limits", "outbox", "dead-letters", "sagas", "projections", "health", "host-meters", "traces", "alerts", "edge", "drills"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Page_LoadsAndRefreshesEveryPanel_WithoutConsoleErrorsOrAxeViolations()
    {
        await using var chromium = await Chromium.LaunchAsync();
        await using var shop = await ControlRoomShop.StartAsync();
        var (page, errors) = await OperatorPageAsync(chromium, shop);

        var response = await page.GotoAsync(shop.Url("/control").ToString());
        // Every panel is refreshed in place at least once (1 s in this shop), so the script ran without failing.
        await page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('section[data-panel]')].every(s => s.dataset.refreshed)", null, new() { Timeout = 15_000 });
        var axe = await page.RunAxe();
        var traces = await page.GotoAsync(shop.Url("/control/traces?traceId=4bf92f3577b34da6a3ce929d0e0e4736").ToString());
        var traceAxe = await page.RunAxe();

        Assert.Equal(200, response!.Status);
        Assert.Equal(200, traces!.Status);
        Assert.Empty(errors);
        Assert.Empty(axe.Violations.Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Html))})"));
        Assert.Empty(traceAxe.Violations.Select(v => $"{v.Id}: {v.Help}"));
    }

    [Fact]
    public async Task Page_HasOneH1_AnH2PerPanel_AndALabelledTraceSearch()
    {
        await using var chromium = await Chromium.LaunchAsync();
        await using var shop = await ControlRoomShop.StartAsync();
        var (page, _) = await OperatorPageAsync(chromium, shop);

        await page.GotoAsync(shop.Url("/control").ToString());

        Assert.Equal(["Control Room"], await page.Locator("h1").AllTextContentsAsync());
        foreach (var panel in Panels)
        {
            Assert.Equal(1, await page.Locator($"section#{panel} > h2").CountAsync());
        }

        Assert.Equal(1, await page.GetByLabel("Trace id").CountAsync());
    }

    [Fact]
    public async Task Keyboard_TabReachesTheTraceSearchAndTheBreakerActions()
    {
        await using var chromium = await Chromium.LaunchAsync();
        await using var shop = await ControlRoomShop.StartAsync();
        var (page, _) = await OperatorPageAsync(chromium, shop);
        await page.GotoAsync(shop.Url("/control").ToString());

        var reached = new List<string>();
        for (var i = 0; i < 120; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached.Add(await page.EvaluateAsync<string>("() => { const e = document.activeElement; return e.id || e.getAttribute('aria-label') || e.textContent.trim(); }"));
        }

        Assert.Contains("Skip to content", reached);
        Assert.Contains("Isolate breaker payments", reached);
        Assert.Contains("trace-id", reached);

        // ...and Enter on the focused button acts, like a click.
        await page.GetByRole(AriaRole.Button, new() { Name = "Isolate breaker recommendations" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        // The form's answer is what matters, not when the redirected page finishes loading (a busy CI machine once took
        // over 30 s to fire its load event after the breaker had already been isolated).
        var breaker = shop.Services.GetRequiredService<CircuitBreakerRegistry>().Get("recommendations");
        await EventuallyAsync(() => Task.FromResult(breaker.State == CircuitState.Isolated ? (object?)true : null), "the breaker isolated by Enter");
    }

    [Fact]
    public async Task DeadLetter_RedrivenFromThePage_DisappearsAndIsHandledOnce()
    {
        await using var chromium = await Chromium.LaunchAsync();
        await using var shop = await ControlRoomShop.StartAsync();
        var (page, errors) = await OperatorPageAsync(chromium, shop);
        var bus = shop.Services.GetRequiredService<IMessageBus>();
        var admin = shop.Services.GetRequiredService<IDeadLetterAdmin>();

        await bus.SendAsync(ControlRoomShop.ProbeQueue, new ProbeMessage("needs the fix"), cancellationToken: Ct);
        var letter = await EventuallyAsync(async () => (await admin.ListAsync(new DeadLetterFilter { SourceQueue = ControlRoomShop.ProbeQueue }, Ct)).SingleOrDefault(), "the probe in the DLQ");
        await page.GotoAsync(shop.Url("/control").ToString());
        var row = page.Locator($"#dead-letters tr[data-row='{letter.Id}']");
        Assert.Equal(1, await row.CountAsync());
        await row.Locator("summary").ClickAsync();
        Assert.Contains("needs the fix", await row.Locator("pre").TextContentAsync(), StringComparison.Ordinal);

        shop.Probe.Fixed = true;
        await page.GetByRole(AriaRole.Button, new() { Name = $"Redrive dead letter {letter.Id}" }).ClickAsync();

        Assert.Contains("was sent back to its queue", await page.Locator("p.notice").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator($"#dead-letters tr[data-row='{letter.Id}']").CountAsync());
        await EventuallyAsync(() => Task.FromResult(shop.Probe.Handled == 1 ? (object?)true : null), "the redriven probe handled");
        Assert.Equal(0, await admin.CountAsync(Ct));
        await page.ReloadAsync();
        Assert.Contains("The dead-letter queue is empty.", await page.Locator("#dead-letters").TextContentAsync(), StringComparison.Ordinal);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Breaker_IsolatedFromThePage_ShowsIsolatedWithItsTransition_AndRefusesCalls()
    {
        await using var chromium = await Chromium.LaunchAsync();
        await using var shop = await ControlRoomShop.StartAsync();
        var (page, errors) = await OperatorPageAsync(chromium, shop);
        await page.GotoAsync(shop.Url("/control").ToString());
        var state = page.Locator("#breakers tr[data-row='payments'] td").Nth(1);
        Assert.Equal("closed", await state.TextContentAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = "Isolate breaker payments" }).ClickAsync();

        Assert.Equal("isolated", await state.TextContentAsync());
        Assert.Contains("bad", await state.GetAttributeAsync("class") ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains("payments", await page.Locator("#breakers table").Nth(1).TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(CircuitState.Isolated, shop.Services.GetRequiredService<CircuitBreakerRegistry>().Get("payments").State);
        using var charge = await ChargeAsync(shop, traceparent: null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, charge.StatusCode);

        // Reset from the page closes it again.
        await page.GetByRole(AriaRole.Button, new() { Name = "Reset breaker payments" }).ClickAsync();
        Assert.Equal("closed", await state.TextContentAsync());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task FailedRequest_ItsTraceIdFindsItsWaterfall()
    {
        await using var chromium = await Chromium.LaunchAsync();
        await using var shop = await ControlRoomShop.StartAsync();
        var (page, errors) = await OperatorPageAsync(chromium, shop);
        var traceId = ActivityTraceId.CreateRandom().ToHexString();

        // The payment provider refuses connections in this shop: the charge fails with 503, so its trace is kept.
        using var charge = await ChargeAsync(shop, $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-00");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, charge.StatusCode);
        await page.GotoAsync(shop.Url("/control").ToString());
        await page.GetByLabel("Trace id").FillAsync(traceId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show waterfall" }).ClickAsync();

        var spans = page.Locator("section[aria-labelledby='waterfall-title'] tbody tr");
        Assert.Contains($"Trace {traceId}: kept as error", await page.Locator("section[aria-labelledby='waterfall-title']").TextContentAsync(), StringComparison.Ordinal);
        Assert.True(await spans.CountAsync() >= 2, "the server span and the shop's call to the provider");
        Assert.Contains("/api/payments/charges", await spans.First.TextContentAsync(), StringComparison.Ordinal);
        Assert.True(await page.Locator("svg.bar rect.bad").CountAsync() >= 1);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task DrillHistory_ListsTheRuns_AndOpensAReportWithItsCharts_WithoutConsoleErrors()
    {
        var folder = DrillReportFiles.NewFolder();
        try
        {
            var at = new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
            await DrillReportFiles.WriteSingleAsync(folder, DrillReportFiles.Report("ddos", at, DrillOutcome.Passed), at);
            var run = await DrillReportFiles.WriteAllAsync(folder, at.AddHours(1),
                DrillReportFiles.Report("plug-pull", at.AddHours(1), DrillOutcome.Passed), DrillReportFiles.Report("zombie", at.AddHours(1), DrillOutcome.Failed));
            await using var chromium = await Chromium.LaunchAsync();
            // Prometheus is configured but down: its panel says so and the page still loads.
            await using var shop = await ControlRoomShop.StartAsync(
                $"--Bulwark:ControlRoom:DrillReports:Path={folder}", $"--Bulwark:ControlRoom:Alerts:PrometheusUrl=http://127.0.0.1:{Bulwark.Testing.FreePort.Refusing}");
            var (page, errors) = await OperatorPageAsync(chromium, shop);

            // Waits on elements, never on load events (a busy CI machine can take long to fire them).
            await page.GotoAsync(shop.Url("/control#drills").ToString(), new() { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
            var rows = page.Locator("#drills tbody tr");
            await rows.Nth(1).WaitForAsync(new() { Timeout = 60_000 });
            var newest = await rows.First.TextContentAsync();
            var listed = await rows.CountAsync();
            var alerts = await page.Locator("#alerts").TextContentAsync();
            var axe = await page.RunAxe();
            await page.GetByRole(AriaRole.Link, new() { Name = "Open " + run }).ClickAsync(new() { Timeout = 60_000 });
            await page.Locator("svg rect.fault").First.WaitForAsync(new() { Timeout = 60_000 });

            Assert.Contains("all (2 drills)", newest, StringComparison.Ordinal);
            Assert.Contains("not passed: zombie", newest, StringComparison.Ordinal);
            Assert.Equal(2, listed);
            Assert.Contains("Prometheus is unreachable", alerts, StringComparison.Ordinal);
            Assert.Empty(axe.Violations.Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Html))})"));
            Assert.EndsWith("/control/drills/" + run, page.Url, StringComparison.Ordinal);
            Assert.Equal("Bulwark drills", await page.Locator("h1").TextContentAsync());
            Assert.True(await page.Locator("section#zombie svg").CountAsync() >= 1, "the failed drill's charts");
            Assert.Empty(errors);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task EdgePanel_ShowsTheCanary_AndNextStepFromThePageMovesIt_WithoutConsoleErrorsOrAxeViolations()
    {
        await using var edge = await RunningEdge.StartAsync();
        await edge.StartCanaryAsync();
        await using var chromium = await Chromium.LaunchAsync();
        await using var shop = await EdgePanelTests.ShopWithEdgeAsync(edge.BaseAddress);
        var (page, errors) = await OperatorPageAsync(chromium, shop);

        // Waits on elements, never on load events (a busy CI machine can take long to fire them).
        await page.GotoAsync(shop.Url("/control#edge").ToString(), new() { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        var green = page.Locator("#edge tr[data-row='green']");
        await green.WaitForAsync(new() { Timeout = 60_000 });
        var before = await green.TextContentAsync();
        var axe = await page.RunAxe();
        await page.GetByRole(AriaRole.Button, new() { Name = "Move canary green to the next step" }).ClickAsync(new() { Timeout = 60_000 });
        await page.Locator("p.notice").WaitForAsync(new() { Timeout = 60_000 });
        var notice = await page.Locator("p.notice").TextContentAsync();
        // The panel is refreshed in place at least once after the command (1 s in this shop): the script ran without failing.
        await page.WaitForFunctionAsync("() => document.querySelector('section#edge').dataset.refreshed", null, new() { Timeout = 60_000 });
        var after = await page.Locator("#edge tr[data-row='green']").TextContentAsync();

        Assert.Contains("canary (1%)", before, StringComparison.Ordinal);
        Assert.Empty(axe.Violations.Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Html))})"));
        Assert.Contains("moved to 5%", notice, StringComparison.Ordinal);
        Assert.Contains("canary (5%)", after, StringComparison.Ordinal);
        Assert.Equal(5.0, (await edge.StateAsync())["weight"]!.GetValue<double>());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task AnonymousVisit_IsRefused_AndAPostWithoutTheAntiforgeryTokenChangesNothing()
    {
        await using var chromium = await Chromium.LaunchAsync();
        await using var shop = await ControlRoomShop.StartAsync();
        await using var anonymous = await chromium.Browser.NewContextAsync();
        var page = await anonymous.NewPageAsync();

        var response = await page.GotoAsync(shop.Url("/control").ToString());
        var fragment = await page.GotoAsync(shop.Url("/control/panels/dead-letters").ToString());
        using var forged = await shop.Admin.PostAsync("/control/panels/breakers/isolate", new FormUrlEncodedContent([new("name", "payments")]), Ct);
        // A partner's rate-limit key is a known key, but not an operator's.
        using var partnerClient = new HttpClient { BaseAddress = shop.BaseAddress };
        partnerClient.DefaultRequestHeaders.Add("X-Api-Key", "demo-partner-key");
        using var partner = await partnerClient.GetAsync("/control", Ct);

        Assert.Equal(401, response!.Status);
        Assert.Equal(401, fragment!.Status);
        Assert.DoesNotContain("Control Room", await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(CircuitState.Closed, shop.Services.GetRequiredService<CircuitBreakerRegistry>().Get("payments").State);
        Assert.Equal(HttpStatusCode.Forbidden, partner.StatusCode);
    }

    private static async Task<(IPage Page, List<string> Errors)> OperatorPageAsync(Chromium chromium, ControlRoomShop shop)
    {
        // The shop's operator scheme reads the admin key from a header; the browser sends it on every request.
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ExtraHTTPHeaders = new Dictionary<string, string> { ["X-Api-Key"] = ControlRoomShop.AdminKey },
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add(error);
            }
        };
        return (page, errors);
    }

    private static async Task<HttpResponseMessage> ChargeAsync(ControlRoomShop shop, string? traceparent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/charges")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { reference = "order-1", amountCents = 1999, currency = "EUR", cardToken = "tok_visa" }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        if (traceparent is not null)
        {
            request.Headers.Add("traceparent", traceparent);
        }

        request.Headers.Add("X-Api-Key", ControlRoomShop.AdminKey);
        // No propagator: this test process's own HttpClient activity must not replace the traceparent the test chose.
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = shop.BaseAddress };
        return await client.SendAsync(request, Ct);
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"Not within 20 s: {what}");
            await Task.Delay(100, Ct);
        }
    }
}
