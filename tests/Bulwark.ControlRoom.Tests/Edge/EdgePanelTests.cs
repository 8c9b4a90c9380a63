using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Bulwark.ControlRoom.Edge;
using Bulwark.ControlRoom.Hosting;
using Bulwark.ControlRoom.Panels;
using Bulwark.ControlRoom.Rendering;
using Bulwark.ControlRoom.Tests.Browser;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bulwark.ControlRoom.Tests.Edge;

/// <summary>
/// The edge panel against a real Bulwark edge on Kestrel (two slots, a canary): what it shows, and its commands sent
/// through the real shop's Control Room (operator policy, antiforgery) with the edge's own state as the judge.
/// </summary>
public sealed partial class EdgePanelTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Render_CanaryAfterAnAnalysis_ShowsLiveSlotSlotsStepWeightAndTheDecisionWithItsFigures()
    {
        await using var edge = await RunningEdge.StartAsync();
        await edge.StartCanaryAsync();
        await edge.RequestsAsync("green", 25);
        await edge.RequestsAsync("blue", 3);
        await edge.CommandAsync("/edge/release/canary/analyse");

        var text = await RenderAsync(Configured(edge.BaseAddress));

        Assert.Contains("Live: blue. Canary: green at 5%, step 2 of 4 (1%, 5%, 25%, 100%); 0 failed analysis(es) of 2 allowed.", text, StringComparison.Ordinal);
        Assert.Contains("<tr data-row=\"blue\"><td>blue</td><td class=\"ok\">live</td>", text, StringComparison.Ordinal);
        Assert.Contains("<tr data-row=\"green\"><td>green</td><td class=\"warn\">canary (5%)</td>", text, StringComparison.Ordinal);
        // The analysis row: its verdict, the 25 canary requests it judged, their error rate and a p99.
        Assert.Matches(@"<td class=""ok"">Promote</td><td>25</td><td>0\.00%</td><td>\d+ ms</td><td>live blue, canary green at 5%</td><td>Healthy: promote to 5%", text);
        Assert.Contains("Blast radius of this rollout: 0 of 28 customer requests failed", text, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"Move canary green to the next step\"", text, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"Roll back canary green\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(RunningEdge.OperatorKey, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_NoEdgeConfigured_SaysHowToSetIt()
    {
        var text = await RenderAsync(new EdgePanelOptions());

        Assert.Contains("Set Bulwark:ControlRoom:Edge:Url", text, StringComparison.Ordinal);
        Assert.Contains("Bulwark:ControlRoom:Edge:ApiKey", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_WrongKey_SaysTheEdgeRefusedIt_AndNamesTheSetting()
    {
        await using var edge = await RunningEdge.StartAsync();
        var options = Configured(edge.BaseAddress);
        options.ApiKey = "not-an-operator";

        var text = await RenderAsync(options);

        Assert.Contains("refused the Control Room&#x27;s key (403 Forbidden)", text, StringComparison.Ordinal);
        Assert.Contains("set Bulwark:ControlRoom:Edge:ApiKey", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_EdgeNotAnsweringWithinTheTimeout_ShowsUnreachable_WithinBound()
    {
        var (stub, url) = await LoopbackKestrel.StartAsync(_ => { }, app => app.MapGet("/edge/release", async (HttpContext context) => await Task.Delay(Timeout.Infinite, context.RequestAborted)));
        await using var _ = stub;
        var options = Configured(url);
        options.Timeout = TimeSpan.FromMilliseconds(300);
        var clock = Stopwatch.StartNew();

        var text = await RenderAsync(options);

        Assert.Contains("The edge is unreachable", text, StringComparison.Ordinal);
        Assert.Contains("no answer within 300 ms (Bulwark:ControlRoom:Edge:Timeout)", text, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Command_WithNoCanaryInProgress_TheEdges409IsAReadableMessage()
    {
        await using var edge = await RunningEdge.StartAsync();
        await using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var release = Release(services, Configured(edge.BaseAddress));

        var promote = await release.CommandAsync("promote", Ct);

        Assert.Equal("The edge refused the promote: No canary is in progress. (409 Conflict).", promote);
        Assert.Equal("blue", (await edge.StateAsync())["live"]!.GetValue<string>());
    }

    [Fact]
    public void Validate_UrlWithoutKey_OrNotHttp_NamesTheSetting()
    {
        Assert.Null(EdgeRelease.Validate(new EdgePanelOptions()));
        Assert.Contains("Bulwark:ControlRoom:Edge:ApiKey is required", EdgeRelease.Validate(new EdgePanelOptions { Url = new Uri($"http://127.0.0.1:{FreePort.Refusing}") }), StringComparison.Ordinal);
        Assert.Contains("must be an absolute http or https URL", EdgeRelease.Validate(new EdgePanelOptions { Url = new Uri("file:///etc/passwd"), ApiKey = "k" }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShopStart_EdgeUrlWithoutKey_IsRefused_NamingTheSetting()
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => ControlRoomShop.StartAsync($"--Bulwark:ControlRoom:Edge:Url=http://127.0.0.1:{FreePort.Refusing}"));

        Assert.Contains("Bulwark:ControlRoom:Edge:ApiKey is required", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NextStep_FromTheShopsControlRoom_MovesTheCanaryOneStep_AsTheEdgeReports()
    {
        await using var edge = await RunningEdge.StartAsync();
        await edge.StartCanaryAsync();
        await using var shop = await ShopWithEdgeAsync(edge.BaseAddress);
        using var operatorSession = new OperatorSession(shop);

        var notice = await operatorSession.PostAsync("step", ("canary", "green"));

        Assert.Equal("Edge: Canary 'green' moved to 5% (step 2 of 4).", notice);
        var state = await edge.StateAsync();
        Assert.Equal(5.0, state["weight"]!.GetValue<double>());
        Assert.Equal(1, state["step"]!.GetValue<int>());
        Assert.Equal("green", state["canary"]!.GetValue<string>());
        Assert.Contains("Canary: green at 5%, step 2 of 4", await operatorSession.PanelAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RollBack_FromTheShopsControlRoom_ReturnsTheWeightToZero_AsTheEdgeReports()
    {
        await using var edge = await RunningEdge.StartAsync();
        await edge.StartCanaryAsync();
        await edge.CommandAsync("/edge/release/canary/step");
        await using var shop = await ShopWithEdgeAsync(edge.BaseAddress);
        using var operatorSession = new OperatorSession(shop);

        var notice = await operatorSession.PostAsync("rollback", ("canary", "green"));

        Assert.Equal("Edge: Canary 'green' rolled back; everyone is on 'blue'.", notice);
        var state = await edge.StateAsync();
        Assert.Equal(0.0, state["weight"]!.GetValue<double>());
        Assert.Null(state["canary"]);
        Assert.Equal("RolledBack", state["phase"]!.GetValue<string>());
        Assert.Contains("No canary in progress (last rollout: RolledBack)", await operatorSession.PanelAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promote_FromAPageShowingACanaryThatEndedMeanwhile_SendsNothing_AndSaysWhy()
    {
        await using var edge = await RunningEdge.StartAsync();
        await edge.StartCanaryAsync();
        await using var shop = await ShopWithEdgeAsync(edge.BaseAddress);
        using var operatorSession = new OperatorSession(shop);
        var token = await operatorSession.TokenAsync();
        // Another operator rolls the canary back while this page still shows it.
        await edge.CommandAsync("/edge/release/canary/rollback");

        var notice = await operatorSession.PostWithTokenAsync("promote", token, ("canary", "green"));

        Assert.StartsWith("Nothing was sent: canary green is no longer in progress on the edge (live: blue", notice, StringComparison.Ordinal);
        Assert.Equal("blue", (await edge.StateAsync())["live"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnreachableEdge_PanelSaysSo_AndThePageStillRenders()
    {
        await using var shop = await ShopWithEdgeAsync(new Uri($"http://127.0.0.1:{FreePort.Refusing}"));
        using var operatorSession = new OperatorSession(shop);

        using var page = await operatorSession.Client.GetAsync(new Uri("/control", UriKind.Relative), Ct);
        var html = await page.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("The edge is unreachable", html, StringComparison.Ordinal);
        Assert.Contains("Its release state is unknown, not absent.", html, StringComparison.Ordinal);
        Assert.Contains("id=\"breakers\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonOperator_IsRefused_AndTheCanaryStays()
    {
        await using var edge = await RunningEdge.StartAsync();
        await edge.StartCanaryAsync();
        await using var shop = await ShopWithEdgeAsync(edge.BaseAddress);
        using var operatorSession = new OperatorSession(shop);
        var token = await operatorSession.TokenAsync();
        using var anonymous = new HttpClient { BaseAddress = shop.BaseAddress };
        using var partner = new HttpClient { BaseAddress = shop.BaseAddress };
        partner.DefaultRequestHeaders.Add("X-Api-Key", "demo-partner-key");

        using var anonymousPanel = await anonymous.GetAsync(new Uri("/control/panels/edge", UriKind.Relative), Ct);
        using var anonymousPost = await anonymous.PostAsync(new Uri("/control/panels/edge/rollback", UriKind.Relative), Form(token, ("canary", "green")), Ct);
        using var partnerPost = await partner.PostAsync(new Uri("/control/panels/edge/rollback", UriKind.Relative), Form(token, ("canary", "green")), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymousPanel.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousPost.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, partnerPost.StatusCode);
        Assert.Equal("green", (await edge.StateAsync())["canary"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostWithoutTheAntiforgeryToken_IsRefused_AndTheCanaryStays()
    {
        await using var edge = await RunningEdge.StartAsync();
        await edge.StartCanaryAsync();
        await using var shop = await ShopWithEdgeAsync(edge.BaseAddress);
        using var operatorSession = new OperatorSession(shop);
        await operatorSession.PanelAsync();

        using var forged = await operatorSession.Client.PostAsync(
            new Uri("/control/panels/edge/rollback", UriKind.Relative), new FormUrlEncodedContent([new("canary", "green")]), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var state = await edge.StateAsync();
        Assert.Equal("green", state["canary"]!.GetValue<string>());
        Assert.Equal(1.0, state["weight"]!.GetValue<double>());
    }

    internal static Task<ControlRoomShop> ShopWithEdgeAsync(Uri edge) => ControlRoomShop.StartAsync(
        $"--Bulwark:ControlRoom:Edge:Url={edge}",
        $"--Bulwark:ControlRoom:Edge:ApiKey={RunningEdge.OperatorKey}",
        // Generous on a loaded CI machine: time is not what these tests measure.
        "--Bulwark:ControlRoom:Edge:Timeout=00:00:20",
        "--Bulwark:ControlRoom:Edge:ActionTimeout=00:00:30");

    private static EdgePanelOptions Configured(Uri edge) =>
        new() { Url = edge, ApiKey = RunningEdge.OperatorKey, Timeout = TimeSpan.FromSeconds(20) };

    private static EdgeRelease Release(IServiceProvider services, EdgePanelOptions edge)
    {
        var options = new ControlRoomOptions();
        options.Edge.Url = edge.Url;
        options.Edge.ApiKey = edge.ApiKey;
        options.Edge.Timeout = edge.Timeout;
        return new EdgeRelease(services.GetRequiredService<IHttpClientFactory>(), Options.Create(options));
    }

    private static async Task<string> RenderAsync(EdgePanelOptions edge)
    {
        await using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var panel = new EdgePanel(Release(services, edge));
        var html = new ControlRoomHtml("/control", "/control/panels/edge/", "__token", "t");
        await panel.RenderAsync(html, Ct);
        return html.ToString();
    }

    private static FormUrlEncodedContent Form((string Field, string Value) token, params (string Name, string Value)[] fields) =>
        new([new(token.Field, token.Value), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]);

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<field>[^\"]+)\" value=\"(?<token>[^\"]+)\"><input type=\"hidden\" name=\"canary\"")]
    private static partial Regex TokenField();

    /// <summary>An operator's client of the shop's Control Room: the admin key, the antiforgery cookie, no redirects followed.</summary>
    private sealed class OperatorSession : IDisposable
    {
        public OperatorSession(ControlRoomShop shop)
        {
            Client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = shop.BaseAddress };
            Client.DefaultRequestHeaders.Add("X-Api-Key", ControlRoomShop.AdminKey);
        }

        public HttpClient Client { get; }

        public async Task<string> PanelAsync()
        {
            using var response = await Client.GetAsync(new Uri("/control/panels/edge", UriKind.Relative), Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.IsSuccessStatusCode, $"GET /control/panels/edge: {(int)response.StatusCode} {text}");
            return text;
        }

        /// <summary>The antiforgery field and token of a command form the panel rendered (the cookie is kept by the client).</summary>
        public async Task<(string Field, string Value)> TokenAsync()
        {
            var match = TokenField().Match(await PanelAsync());
            Assert.True(match.Success, "the panel rendered a command form");
            return (WebUtility.HtmlDecode(match.Groups["field"].Value), WebUtility.HtmlDecode(match.Groups["token"].Value));
        }

        /// <summary>Posts a command as the panel's button does and returns the notice the page is redirected with.</summary>
        public async Task<string> PostAsync(string command, params (string Name, string Value)[] fields) =>
            await PostWithTokenAsync(command, await TokenAsync(), fields);

        /// <summary>Posts a command with a token taken from a page rendered earlier (a page left open).</summary>
        public async Task<string> PostWithTokenAsync(string command, (string Field, string Value) token, params (string Name, string Value)[] fields)
        {
            using var response = await Client.PostAsync(new Uri($"/control/panels/edge/{command}", UriKind.Relative), Form(token, fields), Ct);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"POST {command}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
            var query = response.Headers.Location!.OriginalString.Split('?', 2)[1].Split('#')[0];
            var notice = query.Split('&').Select(p => p.Split('=', 2)).Single(p => p[0] == "notice")[1];
            return Uri.UnescapeDataString(notice);
        }

        public void Dispose() => Client.Dispose();
    }
}
