using System.Globalization;
using System.Net;
using System.Net.Http.Json;

namespace Bulwark.Sidecar.Tests;

/// <summary>
/// The sidecar's policies, proven on the real Python recommendations engine: each test drives the Python process into a
/// fault through its own controls and watches what reaches it through the sidecar (Codex 09, issue 14).
/// </summary>
public sealed class SidecarPolicyTests
{
    private const string Recommendations = "/recommendations/5?count=3";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Forward_HealthyPython_AnswersWithItsRecommendations()
    {
        await using var rig = await SidecarRig.StartAsync();

        var list = await rig.Sidecar.Client.GetFromJsonAsync<RecommendationList>(Recommendations, Ct);

        // The same deterministic list the .NET stand-in gives: the shop can call either.
        Assert.NotNull(list);
        Assert.Equal(5, list.ProductId);
        Assert.Equal([47, 58, 9], list.ProductIds);
        Assert.Equal(1, await rig.PythonRequestsAsync());
    }

    [Fact]
    public async Task Breaker_PythonFailsEveryRequest_OpensAndStopsCallingIt()
    {
        // Shipped breaker: failure ratio 0.5 over at least 10 calls in 10 s, open for 15 s.
        await using var rig = await SidecarRig.StartAsync();
        await rig.SetFaultsAsync(new { errorRate = 1.0, errorStatus = 503 });

        HttpResponseMessage? refused = null;
        for (var i = 0; i < 40 && refused is null; i++)
        {
            var response = await rig.Sidecar.Client.GetAsync(Recommendations, Ct);
            if (response.Headers.Contains("X-Bulwark-Sidecar-Refused"))
            {
                refused = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                response.Dispose();
            }
        }

        Assert.NotNull(refused);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("circuit_open", Assert.Single(refused.Headers.GetValues("X-Bulwark-Sidecar-Refused")));
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        refused.Dispose();

        // Open: twenty more callers get their answer without the Python service hearing of them.
        var reachedWhenOpened = await rig.PythonRequestsAsync();
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await rig.Sidecar.Client.GetAsync(Recommendations, Ct);
            return response.StatusCode;
        }));
        Assert.All(answers, status => Assert.Equal(HttpStatusCode.ServiceUnavailable, status));
        Assert.Equal(reachedWhenOpened, await rig.PythonRequestsAsync());
    }

    [Fact]
    public async Task Breaker_PythonHangs_AttemptTimeoutsOpenIt_AndPythonStopsBeingCalled()
    {
        // A hang fails no request by itself: only a timeout inside the breaker makes it count. 300 ms per attempt here
        // (the shipped 200 ms, widened for a busy machine) inside the rig's 2 s per call.
        await using var rig = await SidecarRig.StartAsync("--Bulwark:Resilience:Pipelines:recommendations:AttemptTimeout=00:00:00.300");
        await rig.SetFaultsAsync(new { latencyMs = 10_000 });

        // Twelve hanging calls at once: each attempt times out, which is more than the breaker's minimum of ten.
        var hung = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            using var response = await rig.Sidecar.Client.GetAsync(Recommendations, Ct);
            return response.Headers.TryGetValues("X-Bulwark-Sidecar-Refused", out var why) ? why.Single() : ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        }));
        Assert.All(hung, why => Assert.Contains(why, new[] { "deadline_exceeded", "circuit_open" }));

        // Open now: twenty more callers are answered at once, and the hanging service hears of none of them.
        var reachedWhenOpened = await rig.PythonRequestsAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await rig.Sidecar.Client.GetAsync(Recommendations, Ct);
            return response.Headers.TryGetValues("X-Bulwark-Sidecar-Refused", out var why) ? why.Single() : ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        }));
        Assert.All(answers, why => Assert.Equal("circuit_open", why));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"20 refusals took {clock.Elapsed.TotalMilliseconds:0} ms; an open breaker answers without waiting for the upstream.");
        Assert.Equal(reachedWhenOpened, await rig.PythonRequestsAsync());
    }

    [Fact]
    public async Task Breaker_PythonHangs_WithOnlyTheWholeCallTimeout_NeverOpens()
    {
        // Why the shipped pipeline has an attempt timeout: the whole-call timeout sits outside the breaker, and a call it
        // cancels is the caller giving up, which the breaker rightly does not count. 500 ms per call, no attempt timeout
        // before it (the rig's 2 s).
        await using var rig = await SidecarRig.StartAsync("--Bulwark:Resilience:Pipelines:recommendations:Timeout=00:00:00.500");
        await rig.SetFaultsAsync(new { latencyMs = 10_000 });

        for (var round = 0; round < 2; round++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
            {
                using var response = await rig.Sidecar.Client.GetAsync(Recommendations, Ct);
                return response.Headers.TryGetValues("X-Bulwark-Sidecar-Refused", out var why) ? why.Single() : ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            }));
            Assert.All(answers, why => Assert.Equal("deadline_exceeded", why));
        }
    }

    [Fact]
    public async Task Retry_PythonFailsEveryRequest_RetriesCappedByBudget()
    {
        // Three retries a call, but the budget allows retries of 10 % of calls and no floor; the breaker is kept out of
        // the way so only the budget limits the load.
        await using var rig = await SidecarRig.StartAsync(
            "--Bulwark:Resilience:Pipelines:recommendations:Retry:MaxRetryAttempts=3",
            "--Bulwark:Resilience:Pipelines:recommendations:Retry:BaseDelay=00:00:00",
            "--Bulwark:Resilience:Pipelines:recommendations:Timeout=00:00:05",
            "--Bulwark:Resilience:RetryBudgets:recommendations:RetryRatio=0.1",
            "--Bulwark:Resilience:RetryBudgets:recommendations:MinRetriesPerSecond=0",
            "--Bulwark:Resilience:RetryBudgets:recommendations:Window=00:01:00",
            "--Bulwark:Resilience:CircuitBreakers:recommendations:MinimumThroughput=100000");
        await rig.SetFaultsAsync(new { errorRate = 1.0, errorStatus = 503 });
        const int calls = 60;

        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, calls / 3).Select(async _ =>
            {
                using var response = await rig.Sidecar.Client.GetAsync(Recommendations, Ct);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            }));
        }

        var reached = await rig.PythonRequestsAsync();
        // Without the budget: 4 attempts per call, 240. With it: 60 first attempts and at most 10 % more.
        Assert.InRange(reached, calls + 1, calls + (calls / 10));
    }

    [Fact]
    public async Task Deadline_CallerAllowsAMinute_PythonSeesTheUpstreamsShorterDeadline()
    {
        // The upstream's own budget (SidecarRig.UpstreamTimeout) is earlier than the caller's: that is what Python must be told.
        await using var rig = await SidecarRig.StartAsync();
        var sent = TimeProvider.System.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Get, Recommendations);
        request.Headers.Add("X-Deadline", sent.AddMinutes(1).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));

        using var response = await rig.Sidecar.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(await rig.PythonSawAsync());
        Assert.NotNull(seen.Deadline);
        var carried = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(seen.Deadline, CultureInfo.InvariantCulture));
        Assert.InRange(carried, sent, TimeProvider.System.GetUtcNow() + SidecarRig.UpstreamTimeout);
    }

    [Fact]
    public async Task Deadline_CallerSendsNone_PythonStillSeesOne()
    {
        await using var rig = await SidecarRig.StartAsync();
        var sent = TimeProvider.System.GetUtcNow();

        using var response = await rig.Sidecar.Client.GetAsync(Recommendations, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(await rig.PythonSawAsync());
        Assert.NotNull(seen.Deadline);
        var carried = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(seen.Deadline, CultureInfo.InvariantCulture));
        Assert.InRange(carried, sent, TimeProvider.System.GetUtcNow() + SidecarRig.UpstreamTimeout);
    }

    [Fact]
    public async Task Deadline_AlreadyPassed_AnswersGatewayTimeoutWithoutCallingPython()
    {
        await using var rig = await SidecarRig.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, Recommendations);
        request.Headers.Add("X-Deadline", TimeProvider.System.GetUtcNow().AddSeconds(-1).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));

        using var response = await rig.Sidecar.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(0, await rig.PythonRequestsAsync());
    }

    [Fact]
    public async Task Timeout_PythonHangs_AnswersGatewayTimeoutWithinTheUpstreamsBudget()
    {
        await using var rig = await SidecarRig.StartAsync();
        await rig.SetFaultsAsync(new { latencyMs = 5_000 });
        // The caller allows more than the upstream's budget, so it is the sidecar's timeout that answers.
        var clock = System.Diagnostics.Stopwatch.StartNew();

        using var request = new HttpRequestMessage(HttpMethod.Get, Recommendations);
        request.Headers.Add("X-Deadline", TimeProvider.System.GetUtcNow().AddSeconds(8).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        using var response = await rig.Sidecar.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("deadline_exceeded", Assert.Single(response.Headers.GetValues("X-Bulwark-Sidecar-Refused")));
        // A 2 s budget; the slack is for a loaded machine, still below the 5 s the Python service would take.
        Assert.InRange(clock.Elapsed, SidecarRig.UpstreamTimeout * 0.9, TimeSpan.FromSeconds(4.5));
    }

    [Fact]
    public async Task Trace_CallerSendsTraceparent_PythonSeesSameTraceUnderTheSidecarsSpan()
    {
        await using var rig = await SidecarRig.StartAsync();
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        const string callerSpan = "00f067aa0ba902b7";
        using var request = new HttpRequestMessage(HttpMethod.Get, Recommendations);
        request.Headers.Add("traceparent", $"00-{traceId}-{callerSpan}-01");

        using var response = await rig.Sidecar.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(await rig.PythonSawAsync());
        Assert.NotNull(seen.Traceparent);
        var parts = seen.Traceparent.Split('-');
        Assert.Equal(4, parts.Length);
        Assert.Equal(traceId, parts[1]);
        // A span of the sidecar's own sits between the caller and Python: the hop is visible in the trace.
        Assert.NotEqual(callerSpan, parts[2]);
    }

    [Fact]
    public async Task Metrics_AfterRefusalsAndAnswers_CountedPerUpstreamAndOutcome()
    {
        await using var rig = await SidecarRig.StartAsync();
        using (var ok = await rig.Sidecar.Client.GetAsync(Recommendations, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        var scrape = await rig.Sidecar.Client.GetStringAsync("/metrics", Ct);

        var counted = scrape.Split('\n').Where(l => l.StartsWith("bulwark_sidecar_requests_total{", StringComparison.Ordinal)).ToList();
        Assert.Contains(counted, l => l.Contains("bulwark_upstream=\"recommendations\"", StringComparison.Ordinal)
            && l.Contains("bulwark_outcome=\"ok\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_UpstreamNamesMissingPipeline_ExitsNamingTheKeyToFix()
    {
        var sidecar = await RealProcess.RunToExitAsync("dotnet", SidecarRig.SidecarArguments(
            new Uri("http://127.0.0.1:9"),
            ["--Bulwark:Sidecar:Upstreams:recommendations:Pipeline=recomendations"]));
        await using var _ = sidecar;

        Assert.Equal(2, sidecar.ExitCode);
        Assert.Contains("Bulwark:Resilience:Pipelines:recomendations is not configured", sidecar.Output, StringComparison.Ordinal);
    }

    private sealed record RecommendationList(int ProductId, IReadOnlyList<int> ProductIds);
}
