using Bulwark.Drills.Ddos;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.Tests.Ddos;

/// <summary>DDoS end to end on Kestrel: it passes only where a per-key limiter answers the excess with 429 + Retry-After.</summary>
public sealed class DdosDrillTests
{
    private static DdosOptions Options(string path) => new()
    {
        Path = path,
        NoisyRatePerSecond = 300,
        Duration = TimeSpan.FromSeconds(1),
        BaselineDuration = TimeSpan.FromMilliseconds(500),
        QuietRatePerSecond = 4,
        ExpectedLimitPerSecond = 10,
    };

    [Fact]
    public async Task Run_PerKeyLimiterInPlace_Passes()
    {
        await using var server = await TinyServer.StartAsync();

        var report = await RunAsync(server, Options("/limited"));

        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
    }

    [Fact]
    public async Task Run_NoLimiter_FailsNamingTheMissingLimiter()
    {
        await using var server = await TinyServer.StartAsync();

        var report = await RunAsync(server, Options("/ok"));

        Assert.Equal(DrillOutcome.Failed, report.Verdict.Outcome);
        Assert.Contains("no 429", report.Verdict.Reason, StringComparison.Ordinal);
    }

    private static Task<DrillReport> RunAsync(TinyServer server, DdosOptions options) =>
        new DrillRunner(TimeProvider.System).RunAsync(
            new DdosDrill(options),
            new DrillContext(server.BaseAddress, TimeProvider.System, new LoadGenerator(TimeProvider.System)),
            TestContext.Current.CancellationToken);
}
