using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Bulwark.Edge.Tests.Support;
using Bulwark.Testing;

namespace Bulwark.Edge.Tests.Release;

/// <summary>Blue-green and canary through the real edge to real backends over loopback.</summary>
public sealed class ReleaseEdgeTests : IAsyncLifetime
{
    private VersionedBackend _blue = null!;
    private VersionedBackend _green = null!;
    private EdgeUnderTest _edge = null!;

    public async ValueTask InitializeAsync()
    {
        _blue = await VersionedBackend.StartAsync("blue");
        _green = await VersionedBackend.StartAsync("green");
        _edge = await EdgeUnderTest.StartAsync(Config(minSample: 50, failureLimit: 2));
    }

    public async ValueTask DisposeAsync()
    {
        await _edge.DisposeAsync();
        await _blue.DisposeAsync();
        await _green.DisposeAsync();
    }

    [Fact]
    public async Task Canary_StickyCustomers_NeverGoBackAcrossStepsAndRestart()
    {
        await StartCanaryAsync();
        var seen = new ConcurrentDictionary<string, List<string>>();
        foreach (var weight in new[] { 1.0, 5, 25, 50 })
        {
            if (weight > 1)
            {
                Assert.Equal(HttpStatusCode.OK, (await _edge.SendOperatorAsync(HttpMethod.Put, "/edge/release/canary/weight", new { weight })).StatusCode);
            }

            if (weight == 25)
            {
                // The weight and the canary survive a restart through the state file; the buckets need no state.
                await _edge.RestartAsync();
            }

            await RequestsAsync(customers: 200, perCustomer: 2, seen);
        }

        // 200 customers × 2 requests × 4 steps = 1,600 requests.
        Assert.Equal(1_600, seen.Values.Sum(v => v.Count));
        foreach (var (customer, slots) in seen)
        {
            var firstGreen = slots.IndexOf("green");
            Assert.True(firstGreen < 0 || slots.Skip(firstGreen).All(s => s == "green"), $"{customer} went back to blue after green: {string.Join(",", slots)}");
        }

        var onGreen = seen.Values.Count(v => v[^1] == "green");
        Assert.InRange(onGreen, 70, 130); // about 50% of 200
    }

    [Fact]
    public async Task Canary_PinHeader_WinsOnlyWhileThatSlotServes()
    {
        await StartCanaryAsync();
        Assert.Equal("green", await SlotAsync("pinned", pin: "green"));
        Assert.Equal(HttpStatusCode.OK, (await _edge.SendOperatorAsync(HttpMethod.Post, "/edge/release/canary/rollback")).StatusCode);
        // Their version was removed: the pin no longer applies.
        Assert.Equal("blue", await SlotAsync("pinned", pin: "green"));
    }

    [Fact]
    public async Task Analyse_SmallSample_Holds_ThenHealthy_Promotes()
    {
        await StartCanaryAsync();
        await PinnedRequestsAsync("green", 10);
        var hold = await AnalyseAsync();
        Assert.Equal("Hold", hold["kind"]!.GetValue<string>());
        Assert.Equal(1.0, (await StateAsync())["weight"]!.GetValue<double>());

        await PinnedRequestsAsync("green", 60);
        var promote = await AnalyseAsync();
        Assert.Equal("Promote", promote["kind"]!.GetValue<string>());
        Assert.Equal(5.0, (await StateAsync())["weight"]!.GetValue<double>());
    }

    [Fact]
    public async Task Analyse_HealthyThroughEveryStep_CanaryBecomesLive()
    {
        await StartCanaryAsync();
        for (var step = 0; step < 3; step++)
        {
            await PinnedRequestsAsync("green", 50);
            Assert.Equal(step < 2 ? "Promote" : "Complete", (await AnalyseAsync())["kind"]!.GetValue<string>());
        }

        var state = await StateAsync();
        Assert.Equal("green", state["live"]!.GetValue<string>());
        Assert.Null(state["canary"]);
        Assert.Equal("green", await SlotAsync("anyone"));
    }

    [Fact]
    public async Task Step_ByHand_MovesOneStepAtATime_AndFromTheLastStepMakesTheCanaryLive()
    {
        await StartCanaryAsync();
        var weights = new List<double>();
        for (var i = 0; i < 2; i++)
        {
            using var step = await _edge.SendOperatorAsync(HttpMethod.Post, "/edge/release/canary/step");
            Assert.Equal(HttpStatusCode.OK, step.StatusCode);
            weights.Add((await StateAsync())["weight"]!.GetValue<double>());
        }

        using var last = await _edge.SendOperatorAsync(HttpMethod.Post, "/edge/release/canary/step");
        using var none = await _edge.SendOperatorAsync(HttpMethod.Post, "/edge/release/canary/step");
        var release = await _edge.GetJsonAsync("/edge/release");

        Assert.Equal(new[] { 5.0, 100.0 }, weights);
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        Assert.Equal("green", release["state"]!["live"]!.GetValue<string>());
        Assert.Equal("Promoted", release["state"]!["phase"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, none.StatusCode);
        // Every configured slot is listed with its role, and the canary's settings with it.
        Assert.Equal(new[] { "blue:idle", "green:live" }, release["slots"]!.AsArray().Select(s => $"{s!["name"]!.GetValue<string>()}:{s["role"]!.GetValue<string>()}").Order(StringComparer.Ordinal));
        Assert.Equal(new[] { 1.0, 5.0, 100.0 }, release["canary"]!["steps"]!.AsArray().Select(s => s!.GetValue<double>()));
    }

    [Fact]
    public async Task Analyse_Decision_CarriesTheFiguresItJudged()
    {
        await StartCanaryAsync();
        await PinnedRequestsAsync("green", 60);
        await AnalyseAsync();

        var decision = (await _edge.GetJsonAsync("/edge/release"))["decisions"]!.AsArray().Last()!;

        Assert.Equal("Promote", decision["action"]!.GetValue<string>());
        Assert.Equal(60, decision["figures"]!["requests"]!.GetValue<long>());
        Assert.Equal(0, decision["figures"]!["errors"]!.GetValue<long>());
    }

    [Fact]
    public async Task Analyse_BadCanary_FailsThenRollsBack_AndBlastRadiusIsReported()
    {
        await StartCanaryAsync();
        _green.FailEvery = 5; // 20% of the canary's answers fail
        await PinnedRequestsAsync("green", 50);
        Assert.Equal("Fail", (await AnalyseAsync())["kind"]!.GetValue<string>());
        await PinnedRequestsAsync("green", 50);
        Assert.Equal("RollBack", (await AnalyseAsync())["kind"]!.GetValue<string>());

        var release = await _edge.GetJsonAsync("/edge/release");
        Assert.Equal("RolledBack", release["state"]!["phase"]!.GetValue<string>());
        Assert.Equal(20, release["blastRadius"]!["errors"]!.GetValue<long>());
        Assert.Equal(100, release["blastRadius"]!["requests"]!.GetValue<long>());
        Assert.Contains(release["decisions"]!.AsArray(), d => d!["action"]!.GetValue<string>() == "RollBack");
        Assert.Equal("blue", await SlotAsync("pinned-after", pin: "green"));
    }

    [Fact]
    public async Task Switch_ToSlotFailingItsSmokeGate_IsRefused()
    {
        _green.Ready = false;
        using var response = await _edge.SendOperatorAsync(HttpMethod.Post, "/edge/release/switch", new { slot = "green" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("blue", await SlotAsync("anyone"));
    }

    [Fact]
    public async Task Switch_BadInput_AnswersProblems()
    {
        using var unknown = await _edge.SendOperatorAsync(HttpMethod.Post, "/edge/release/switch", new { slot = "purple" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        await StartCanaryAsync();
        using var weight = await _edge.SendOperatorAsync(HttpMethod.Put, "/edge/release/canary/weight", new { weight = 101 });
        Assert.Equal(HttpStatusCode.BadRequest, weight.StatusCode);
        using var second = await _edge.SendOperatorAsync(HttpMethod.Post, "/edge/release/canary", new { slot = "green" });
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Fact]
    public async Task Switch_WhileAnotherSwitchRuns_Answers409()
    {
        _green.Latency = TimeSpan.FromSeconds(2); // the smoke gate's real read takes a while, so the two overlap
        var first = _edge.SendOperatorAsync(HttpMethod.Post, "/edge/release/switch", new { slot = "green" });
        var second = _edge.SendOperatorAsync(HttpMethod.Post, "/edge/release/switch", new { slot = "green" });
        using var a = await first;
        using var b = await second;
        // Whichever arrives first runs; the other is refused, never queued.
        Assert.Equal(new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }, new[] { a.StatusCode, b.StatusCode }.Order().ToArray());
    }

    [Fact]
    public async Task Switch_UnderLoad_GreenAndBack_NoFailedRequest_SwitchBackUnderASecond()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        long ok = 0, failed = 0;
        var load = Enumerable.Range(0, 8).Select(async worker =>
        {
            using var client = new HttpClient { BaseAddress = _edge.BaseAddress };
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, "/api/products/1");
                    request.Headers.Add("X-Customer-Id", $"load-{worker}");
                    using var response = await client.SendAsync(request, CancellationToken.None);
                    Interlocked.Increment(ref response.IsSuccessStatusCode ? ref ok : ref failed);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }).ToList();

        await Task.Delay(200, TestContext.Current.CancellationToken);
        using (var toGreen = await _edge.SendOperatorAsync(HttpMethod.Post, "/edge/release/switch", new { slot = "green" }))
        {
            Assert.Equal(HttpStatusCode.OK, toGreen.StatusCode);
        }

        await Task.Delay(200, TestContext.Current.CancellationToken);
        var clock = Stopwatch.StartNew();
        using (var back = await _edge.SendOperatorAsync(HttpMethod.Post, "/edge/release/switch", new { slot = "blue" }))
        {
            Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        }

        var switchBack = clock.Elapsed;
        await Task.Delay(200, TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(load);
        Assert.Equal(0, failed);
        Assert.True(ok > 100, $"only {ok} requests ran");
        Assert.True(switchBack < TimeSpan.FromSeconds(1), $"switch back took {switchBack}");
        Assert.True(_green.Requests > 0);
    }

    [Fact]
    public async Task OperatorEndpoints_WithoutKey401_WrongKey403()
    {
        using var anonymous = await _edge.Client.GetAsync(new Uri("/edge/release", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/edge/release");
        request.Headers.Add("X-Api-Key", "not-the-key");
        using var wrong = await _edge.Client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);

        // Every command a stranger might try, the newest (step) included: refused before it reaches the release.
        foreach (var command in new[] { "switch", "canary", "canary/analyse", "canary/promote", "canary/step", "canary/rollback" })
        {
            // A JSON body, so each command's own route is the one that refuses (without one the edge's 415 answers).
            using var body = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            using var post = await _edge.Client.PostAsync(new Uri("/edge/release/" + command, UriKind.Relative), body, TestContext.Current.CancellationToken);
            Assert.True(post.StatusCode == HttpStatusCode.Unauthorized, $"POST /edge/release/{command} without a key answered {(int)post.StatusCode}");
        }
    }

    [Fact]
    public async Task Analyse_CanarySlowerThanTheLiveSlot_FailsAgainstTheBaseline_AndWithoutTheComparisonIsPromoted()
    {
        // Green answers 250 ms slower than blue: under the absolute 5 s; every green request slower than every blue one
        // (Mann-Whitney effect 1.0, p far under 0.05).
        _green.Latency = TimeSpan.FromMilliseconds(250);
        foreach (var compare in new[] { true, false })
        {
            var config = Config(minSample: 20, failureLimit: 5);
            var canary = (JsonObject)config["Release"]!["Canary"]!;
            canary["MaxP99"] = "00:00:05";
            canary["Baseline"] = new JsonObject { ["Enabled"] = compare, ["P99Slack"] = "00:00:00.050" };
            await _edge.WriteConfigAsync(config);
            await Eventually.WaitAsync(
                async () => (await _edge.GetJsonAsync("/edge/release"))["canary"]?["baseline"]?["enabled"]?.GetValue<bool>(),
                enabled => enabled == compare,
                "the edge to reload the canary settings");
            await StartCanaryAsync();
            await PinnedRequestsAsync("green", 20);
            await PinnedRequestsAsync("blue", 40);

            var decision = await AnalyseAsync();
            var reason = decision["reason"]!.GetValue<string>();
            Assert.True((compare ? "Fail" : "Promote") == decision["kind"]!.GetValue<string>(), reason);
            Assert.Equal(compare, reason.Contains("latency against the baseline", StringComparison.Ordinal));
            using var rollback = await _edge.SendOperatorAsync(HttpMethod.Post, "/edge/release/canary/rollback");
            Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
        }
    }

    [Fact]
    public async Task Analyse_EqualHttpErrorRates_ButMorePaymentsFailOnTheCanary_RollsBack_AndWithoutTheMetricIsPromoted()
    {
        // Both slots answer every request 200; a third of green's payments fail, none of blue's. Read from each slot's
        // own /metrics at the canary's start and at each analysis.
        _green.FailPaymentEvery = 3;
        foreach (var business in new[] { true, false })
        {
            var config = Config(minSample: 30, failureLimit: 2);
            var canary = (JsonObject)config["Release"]!["Canary"]!;
            // Latency is not what this test is about: the widest margin keeps machine noise out of the decision.
            canary["Baseline"] = new JsonObject { ["Enabled"] = true, ["LatencyMargin"] = 0.5 };
            canary["Business"] = business
                ? new JsonObject { ["Bad"] = "shop_payments_total{outcome=\"failed\"}", ["Good"] = "shop_payments_total{outcome=\"succeeded\"}", ["MinEvents"] = 20 }
                : new JsonObject();
            await _edge.WriteConfigAsync(config);
            await Eventually.WaitAsync(
                async () => (await _edge.GetJsonAsync("/edge/release"))["canary"]?["business"]?["enabled"]?.GetValue<bool>(),
                enabled => enabled == business,
                "the edge to reload the canary settings");
            await StartCanaryAsync();
            var decisions = new List<string>();
            for (var round = 0; round < 2; round++)
            {
                await PinnedRequestsAsync("green", 30);
                await PinnedRequestsAsync("blue", 60);
                var decision = await AnalyseAsync();
                decisions.Add(decision["kind"]!.GetValue<string>());
                var reason = decision["reason"]!.GetValue<string>();
                Assert.DoesNotContain("error rate against", reason, StringComparison.Ordinal);
                if (business)
                {
                    Assert.True(reason.Contains("business metric against the baseline", StringComparison.Ordinal), reason);
                    var evidence = decision["evidence"]!["business"]!;
                    Assert.Equal(10, evidence["canary"]!["bad"]!.GetValue<long>());
                    Assert.Equal(0, evidence["baseline"]!["bad"]!.GetValue<long>());
                    Assert.True(evidence["test"]!["pValue"]!.GetValue<double>() < 0.05, reason);
                }
                else if (decisions[^1] != "Hold")
                {
                    break;
                }
            }

            var state = await StateAsync();
            if (business)
            {
                Assert.Equal(["Fail", "RollBack"], decisions);
                Assert.Equal("RolledBack", state["phase"]!.GetValue<string>());
                // The decision log keeps the test's figures.
                var logged = (await _edge.GetJsonAsync("/edge/release"))["decisions"]!.AsArray().Last(d => d!["action"]!.GetValue<string>() == "RollBack")!;
                Assert.NotNull(logged["evidence"]?["business"]?["test"]?["pValue"]);
            }
            else
            {
                Assert.Equal("Promote", decisions[^1]);
                using var rollback = await _edge.SendOperatorAsync(HttpMethod.Post, "/edge/release/canary/rollback");
                Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
            }
        }
    }

    [Fact]
    public async Task Analyse_ASlotsCountersGoDown_HoldsAndCountsTheStepAgainFromThere()
    {
        var config = Config(minSample: 30, failureLimit: 2);
        var canary = (JsonObject)config["Release"]!["Canary"]!;
        canary["Baseline"] = new JsonObject { ["Enabled"] = true, ["LatencyMargin"] = 0.5 };
        canary["Business"] = new JsonObject { ["Bad"] = "shop_payments_total{outcome=\"failed\"}", ["Good"] = "shop_payments_total{outcome=\"succeeded\"}", ["MinEvents"] = 20 };
        await _edge.WriteConfigAsync(config);
        await Eventually.WaitAsync(
            async () => (await _edge.GetJsonAsync("/edge/release"))["canary"]?["business"]?["enabled"]?.GetValue<bool>(),
            enabled => enabled == true,
            "the edge to reload the canary settings");
        await StartCanaryAsync();
        await PinnedRequestsAsync("green", 30);
        await PinnedRequestsAsync("blue", 60);
        // Green's process "restarted": its counters are lower than at the step's start.
        _green.ResetPaymentCounters();

        var hold = await AnalyseAsync();
        Assert.Equal("Hold", hold["kind"]!.GetValue<string>());
        Assert.Contains("counters went down", hold["reason"]!.GetValue<string>(), StringComparison.Ordinal);

        await PinnedRequestsAsync("green", 30);
        await PinnedRequestsAsync("blue", 60);
        var promote = await AnalyseAsync();
        Assert.True(promote["kind"]!.GetValue<string>() == "Promote", promote["reason"]!.GetValue<string>());
        // Counted from the reset: green's 30 new outcomes, blue's 60.
        Assert.Equal(30, promote["evidence"]!["business"]!["canary"]!["good"]!.GetValue<long>());
        Assert.Equal(60, promote["evidence"]!["business"]!["baseline"]!["good"]!.GetValue<long>());
    }

    [Fact]
    public async Task OperatorCommand_WithoutAJsonBody_Is415AndNeverReachesAShop()
    {
        var before = _blue.Requests + _green.Requests;
        foreach (var (method, path) in new[] { (HttpMethod.Post, "/edge/release/switch"), (HttpMethod.Post, "/edge/release/canary"), (HttpMethod.Put, "/edge/release/canary/weight"), (HttpMethod.Put, "/edge/strangler/catalog/target") })
        {
            // A form post, a text body and no body at all: none may go on to the proxy.
            foreach (var content in new HttpContent?[] { new StringContent("slot=green", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"), new StringContent("green"), null })
            {
                using (content)
                {
                    using var request = new HttpRequestMessage(method, path) { Content = content };
                    request.Headers.Add("X-Api-Key", EdgeUnderTest.OperatorKey);
                    using var response = await _edge.Client.SendAsync(request, TestContext.Current.CancellationToken);
                    var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                    Assert.True(response.StatusCode == HttpStatusCode.UnsupportedMediaType, $"{method} {path} ({content?.Headers.ContentType?.MediaType ?? "no body"}) answered {(int)response.StatusCode}: {text}");
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    Assert.Contains("application/json", text, StringComparison.Ordinal);
                }
            }
        }

        // A mistyped path under /edge is the edge's 404, and a stranger still gets 401 before anything is said.
        using var typo = await _edge.SendOperatorAsync(HttpMethod.Get, "/edge/relase");
        Assert.Equal(HttpStatusCode.NotFound, typo.StatusCode);
        using var stranger = await _edge.Client.PostAsync(new Uri("/edge/release/switch", UriKind.Relative), new StringContent("green"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, stranger.StatusCode);
        Assert.Equal(before, _blue.Requests + _green.Requests);
        Assert.Equal("blue", (await _edge.GetJsonAsync("/edge/release"))["state"]!["live"]!.GetValue<string>());
    }

    private JsonObject Config(int minSample, int failureLimit) => new()
    {
        ["Release"] = new JsonObject
        {
            ["Slots"] = new JsonObject { ["blue"] = _blue.BaseAddress.ToString(), ["green"] = _green.BaseAddress.ToString() },
            ["Live"] = "blue",
            ["Smoke"] = new JsonObject { ["Paths"] = new JsonArray("/api/products/1") },
            ["Canary"] = new JsonObject
            {
                ["Steps"] = new JsonArray(1, 5, 100),
                ["MinSample"] = minSample,
                ["FailureLimit"] = failureLimit,
                ["MaxErrorRate"] = 0.01,
                // The analysis runs when a test asks; the timer never fires during a test.
                ["Interval"] = "01:00:00",
            },
        },
    };

    private async Task StartCanaryAsync()
    {
        using var response = await _edge.SendOperatorAsync(HttpMethod.Post, "/edge/release/canary", new { slot = "green" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<JsonNode> AnalyseAsync()
    {
        using var response = await _edge.SendOperatorAsync(HttpMethod.Post, "/edge/release/canary/analyse");
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!;
    }

    private async Task<JsonNode> StateAsync() => (await _edge.GetJsonAsync("/edge/release"))["state"]!;

    private async Task<string> SlotAsync(string customer, string? pin = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/products/1");
        request.Headers.Add("X-Customer-Id", customer);
        if (pin is not null)
        {
            request.Headers.Add("X-Release-Pin", pin);
        }

        using var response = await _edge.Client.SendAsync(request, TestContext.Current.CancellationToken);
        return response.Headers.GetValues("X-Release-Slot").Single();
    }

    private async Task PinnedRequestsAsync(string slot, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(slot, await SlotAsync($"tester-{i}", pin: slot));
        }
    }

    private async Task RequestsAsync(int customers, int perCustomer, ConcurrentDictionary<string, List<string>> seen)
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, customers), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken }, async (c, _) =>
        {
            for (var i = 0; i < perCustomer; i++)
            {
                var slot = await SlotAsync($"customer-{c}");
                var list = seen.GetOrAdd($"customer-{c}", _ => []);
                lock (list)
                {
                    list.Add(slot);
                }
            }
        });
    }
}
