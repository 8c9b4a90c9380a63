using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bulwark.Drills.BlastRadius;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Edge.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Shop.Externals.Hosting;
using Shop.Externals.PaymentProvider;

namespace Bulwark.Edge.Tests.Release;

/// <summary>
/// The canary Blast Radius drill through the real edge to two real shop processes, each with its own payment provider
/// stand-in. The canary is a bad build: it lost its payment retry (the shop's own two retries would hide a 20% provider
/// fault from customers, which is the retry doing its job, not a bad build), and its stand-in fails 20% of its calls.
/// </summary>
[Collection(ShopProcesses.Name)]
public sealed class BlastRadiusDrillTests
{
    [Fact]
    public async Task Drill_CanaryWhosePaymentsFail_IsRolledBackByTheAnalysis_UnderOnePercentOfRequestsSawAnError()
    {
        await using var stable = await PaymentsAsync();
        await using var broken = await PaymentsAsync();
        await using var blue = await ShopHostProcess.StartAsync(stable.App.BaseAddress(), ShopHostProcess.NoPerClientLimits);
        await using var green = await ShopHostProcess.StartAsync(broken.App.BaseAddress(), [WithoutPaymentRetry, .. ShopHostProcess.NoPerClientLimits]);
        await blue.WarmUpAsync();
        await green.WarmUpAsync();
        // The first step bounds the blast radius even when every canary charge fails (its breaker opens: a run under
        // load saw 1.33% at a 5% step): the drill's 400 customers put 8 on the canary at 2% (27 at 5%), and a
        // quarter of requests are charges, so at most 2% x 25% = 0.5% of requests can fail before the rollback.
        await using var edge = await EdgeUnderTest.StartAsync(Config(blue.BaseAddress, green.BaseAddress, maxErrorRate: 0.01, firstStep: 2));

        var report = await RunAsync(edge, broken.App.BaseAddress());
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("\n", report.Verdict.Figures.Select(f => $"{f.Name}: {f.Value} {f.Unit}")));

        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        var share = report.Verdict.Figures.Single(f => f.Name == "customer requests that saw an error (edge)");
        Assert.InRange(share.Value, 0, 1);
        var release = await edge.GetJsonAsync("/edge/release");
        Assert.Equal("RolledBack", release["state"]!["phase"]!.GetValue<string>());
        Assert.Equal("blue", release["state"]!["live"]!.GetValue<string>());
        // The drill cleared the fault it planted.
        using var client = new HttpClient { BaseAddress = broken.App.BaseAddress() };
        var faults = await client.GetFromJsonAsync<JsonObject>("/_control/faults", TestContext.Current.CancellationToken);
        Assert.Equal(0, faults!["faults"]!["errorRate"]!.GetValue<double>());
    }

    [Fact]
    public async Task Drill_AnalysisThatToleratesTheErrors_Fails()
    {
        // The same bad canary under an analysis whose thresholds are above what it shows: it is promoted, not rolled back.
        await using var stable = await PaymentsAsync();
        await using var broken = await PaymentsAsync();
        await using var blue = await ShopHostProcess.StartAsync(stable.App.BaseAddress(), ShopHostProcess.NoPerClientLimits);
        await using var green = await ShopHostProcess.StartAsync(broken.App.BaseAddress(), [WithoutPaymentRetry, .. ShopHostProcess.NoPerClientLimits]);
        await using var edge = await EdgeUnderTest.StartAsync(Config(blue.BaseAddress, green.BaseAddress, maxErrorRate: 0.5, maxP99: "00:01:00"));

        var report = await RunAsync(edge, broken.App.BaseAddress());

        Assert.Equal(DrillOutcome.Failed, report.Verdict.Outcome);
        Assert.Contains("was not rolled back", report.Verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drill_CanaryWhosePaymentsAreDeclined_HealthyOverHttp_IsRolledBackByTheBusinessMetric_AndWithoutItIsPromoted()
    {
        // Green's provider declines 30% of its charges: the shop answers those 402, which is no HTTP error at the edge.
        // Only each slot's own shop_payments_charges_total (declined against charged) shows it.
        foreach (var business in new[] { true, false })
        {
            await using var stable = await PaymentsAsync();
            await using var declining = await PaymentsAsync();
            await using var blue = await ShopHostProcess.StartAsync(stable.App.BaseAddress(), ShopHostProcess.NoPerClientLimits);
            await using var green = await ShopHostProcess.StartAsync(declining.App.BaseAddress(), ShopHostProcess.NoPerClientLimits);
            await blue.WarmUpAsync();
            await green.WarmUpAsync();
            var config = Config(blue.BaseAddress, green.BaseAddress, maxErrorRate: 0.01);
            var canary = (JsonObject)config["Release"]!["Canary"]!;
            canary["Baseline"] = new JsonObject { ["Enabled"] = true, ["LatencyMargin"] = 0.5 };
            if (business)
            {
                canary["Business"] = new JsonObject
                {
                    ["Bad"] = "shop_payments_charges_total{outcome=\"declined\"}",
                    ["Good"] = "shop_payments_charges_total{outcome=\"charged\"}",
                    ["MinEvents"] = 10,
                };
            }

            await using var edge = await EdgeUnderTest.StartAsync(config);
            var report = await RunAsync(edge, declining.App.BaseAddress(), errorRate: 0.3, errorStatus: 402);
            var release = await edge.GetJsonAsync("/edge/release");
            var reasons = string.Join("\n", release["decisions"]!.AsArray().Select(d => $"{d!["action"]}: {d["detail"]}"));
            TestContext.Current.TestOutputHelper?.WriteLine($"business metric {(business ? "on" : "off")}: {report.Verdict.Reason}\n{reasons}");
            if (business)
            {
                Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason + "\n" + reasons);
                Assert.Contains("business metric against the baseline", reasons, StringComparison.Ordinal);
                Assert.DoesNotContain("error rate against the baseline", reasons, StringComparison.Ordinal);
            }
            else
            {
                Assert.True(report.Verdict.Outcome == DrillOutcome.Failed, report.Verdict.Reason + "\n" + reasons);
                Assert.Equal("Promoted", release["state"]!["phase"]!.GetValue<string>());
            }
        }
    }

    [Fact]
    public void Judge_TooManyCustomersSawErrors_Fails()
    {
        var verdict = BlastRadiusJudge.Judge(new BlastRadiusMeasurements("green", "RolledBack", true, ["Fail", "RollBack"], 1000, 30, 1000, 30, 4, []), new BlastRadiusOptions());
        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains(verdict.Figures, f => f.Name == "customer requests that saw an error (edge)" && f.Value == 3 && f.Ok == false);
    }

    private const string WithoutPaymentRetry = "--Bulwark:Resilience:Pipelines:payments:Retry:MaxRetryAttempts=0";

    private static async Task<DrillReport> RunAsync(EdgeUnderTest edge, Uri canaryPayments, double errorRate = 0.2, int errorStatus = 503)
    {
        var drill = new BlastRadiusDrill(new BlastRadiusOptions
        {
            CanaryPaymentControl = canaryPayments.ToString(),
            PaymentErrorRate = errorRate,
            PaymentErrorStatus = errorStatus,
            Customers = 400,
            MaxDuration = TimeSpan.FromSeconds(60),
        });
        var context = new DrillContext(edge.BaseAddress, TimeProvider.System, new LoadGenerator(TimeProvider.System), [], new Dictionary<string, string> { ["X-Api-Key"] = EdgeUnderTest.OperatorKey });
        return await new DrillRunner(TimeProvider.System).RunAsync(drill, context, TestContext.Current.CancellationToken);
    }

    private static async Task<RunningApp> PaymentsAsync()
    {
        var app = PaymentProviderApp.Create("http://127.0.0.1:0");
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new RunningApp(app);
    }

    private static JsonObject Config(Uri blue, Uri green, double maxErrorRate, string maxP99 = "00:00:05", double firstStep = 5) => new()
    {
        ["Release"] = new JsonObject
        {
            ["Slots"] = new JsonObject { ["blue"] = blue.ToString(), ["green"] = green.ToString() },
            ["Live"] = "blue",
            ["Smoke"] = new JsonObject { ["Paths"] = new JsonArray("/api/products/1"), ["Timeout"] = "00:00:15" },
            ["Canary"] = new JsonObject
            {
                // A first step small enough that a bad build reaches few customers, large enough to sample in seconds.
                ["Steps"] = new JsonArray(firstStep, 25, 100),
                ["MinSample"] = 40,
                ["FailureLimit"] = 2,
                ["MaxErrorRate"] = maxErrorRate,
                // Generous: the machine running the tests is shared and slow; the error rate is what this drill is about.
                ["MaxP99"] = maxP99,
                ["Interval"] = "00:00:01",
            },
        },
    };

    private sealed class RunningApp(WebApplication app) : IAsyncDisposable
    {
        public WebApplication App => app;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }
}
