using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Needle;
using Bulwark.Drills.Tests.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bulwark.Drills.Tests.Needle;

/// <summary>
/// Needle in a Haystack end to end: the real shop writes its JSON log lines to a file, one customer's return fails in
/// the consumer behind the broker, and the drill finds it by the customer's correlation id and follows its trace.
/// </summary>
public sealed class NeedleDrillTests
{
    // The shop's per-request line on (the shop hop); the per-client limits lifted: a 429 is not what this drill tests.
    private static readonly string[] ShopArgs =
    [
        "--Logging:LogLevel:Microsoft.AspNetCore.HttpLogging=Information",
        "--Bulwark:RateLimiting:Tiers:anonymous:PermitLimit=100000000",
        "--Bulwark:RateLimiting:Tiers:authenticated:PermitLimit=100000000",
        // Nor is a 504: a cold shop on a saturated CI machine can miss the 5 s default budget on its first reads.
        "--Bulwark:Deadlines:DefaultBudget=00:00:30",
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_ShopWithTraceIdsInLogsAndPropagation_FindsTheRequestAndEveryHopAmongAMillionLines()
    {
        using var log = NewLog();
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider, s => s.AddSingleton<ILoggerProvider>(log), ShopArgs);
        var options = Options(log, haystackLines: 1_000_000);

        await WarmAsync(shop);
        var report = await new DrillRunner(TimeProvider.System).RunAsync(new NeedleDrill(options), Context(shop), Ct);

        DrillLog.Verdict(report);
        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "haystack lines" && f.Value >= 1_000_000);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "consumer lines in the request's trace" && f.Value >= 1);
        Assert.Contains(report.Verdict.Findings, f => f.StartsWith("consumer: ", StringComparison.Ordinal));
        Assert.Contains(report.Verdict.Findings, f => f.StartsWith("broker: ", StringComparison.Ordinal));
        Assert.True(report.Restored, report.RestoreError);
        Assert.False(File.Exists(options.HaystackFile), "the haystack is deleted after the run");
    }

    [Fact]
    public async Task Run_ShopWhoseMessagesLoseTheirTraceContext_FailsBecauseTheConsumerHopIsMissing()
    {
        using var log = NewLog();
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(
            provider,
            s =>
            {
                s.AddSingleton<ILoggerProvider>(log);
                NoTraceContextTransport.Register(s);
            },
            ShopArgs);

        await WarmAsync(shop);
        var report = await new DrillRunner(TimeProvider.System).RunAsync(new NeedleDrill(Options(log, haystackLines: 100_000)), Context(shop), Ct);

        DrillLog.Verdict(report);
        Assert.True(report.Verdict.Outcome == DrillOutcome.Failed, report.Verdict.Reason);
        Assert.Contains("The trace stops at the broker", report.Verdict.Reason, StringComparison.Ordinal);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "request lines found" && f.Value == 1);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "consumer lines in the request's trace" && f.Value == 0);
    }

    [Fact]
    public async Task Run_WithoutALogFile_IsSkippedNamingTheOption()
    {
        await using var provider = await ShopUnderTest.StartProviderAsync();
        await using var shop = await ShopUnderTest.StartShopAsync(provider, ShopArgs);

        var report = await new DrillRunner(TimeProvider.System).RunAsync(new NeedleDrill(), Context(shop), Ct);

        Assert.Equal(DrillOutcome.Skipped, report.Verdict.Outcome);
        Assert.Contains("needle.LogFile", report.Verdict.Reason, StringComparison.Ordinal);
    }

    // Beside the other test hosts' logs (pruned after a day), named in the test's output for a failed run.
    private static JsonLogFile NewLog()
    {
        Directory.CreateDirectory(Bulwark.Testing.HostLogFile.Folder);
        var log = new JsonLogFile(Path.Combine(Bulwark.Testing.HostLogFile.Folder, $"needle-shop-{Guid.NewGuid():N}.log"));
        TestContext.Current.TestOutputHelper?.WriteLine($"shop JSON log: {log.Path}");
        return log;
    }

    private static NeedleOptions Options(JsonLogFile log, int haystackLines) => new()
    {
        LogFile = log.Path,
        HaystackLines = haystackLines,
        BackgroundRequests = 400,
        HaystackFile = Path.Combine(Path.GetTempPath(), $"bulwark-needle-haystack-{Guid.NewGuid():N}.log"),
        // A loaded CI machine: the failure must happen and be logged, however slowly; time is judged on the search only.
        SettleWithin = TimeSpan.FromSeconds(60),
    };

    // The drill's precondition gives the target 5 s to answer; a cold shop on a saturated CI machine (every test assembly
    // at once) can take longer for its first product read, which is not what this drill is about.
    private static async Task WarmAsync(WebApplication shop)
    {
        using var http = new HttpClient { BaseAddress = new Uri(shop.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };
        for (var attempt = 1; ; attempt++)
        {
            using var response = await http.GetAsync(new Uri("/api/products", UriKind.Relative), Ct);
            if (response.IsSuccessStatusCode || attempt == 5)
            {
                response.EnsureSuccessStatusCode();
                return;
            }
        }
    }

    private static DrillContext Context(WebApplication shop) =>
        new(new Uri(shop.Urls.First()), TimeProvider.System, new LoadGenerator(TimeProvider.System), [], ShopUnderTest.DrillHeaders);
}
