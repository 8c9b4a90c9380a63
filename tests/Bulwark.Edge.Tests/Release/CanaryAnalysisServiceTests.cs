using Bulwark.Edge.Release;
using Bulwark.Edge.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Edge.Tests.Release;

/// <summary>The analysis runs on the injected clock: nothing before the interval, a decision right after it.</summary>
public sealed class CanaryAnalysisServiceTests
{
    [Fact]
    public async Task Analysis_RunsEveryInterval_OnTheInjectedClock()
    {
        await using var blue = await VersionedBackend.StartAsync("blue");
        await using var green = await VersionedBackend.StartAsync("green");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Edge:Release:Slots:blue"] = blue.BaseAddress.ToString(),
            ["Edge:Release:Slots:green"] = green.BaseAddress.ToString(),
            ["Edge:Release:Canary:Interval"] = "00:00:30",
            ["Edge:Release:Canary:MinSample"] = "10",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(time);
        services.AddBulwarkEdge(configuration.GetSection(EdgeOptions.SectionName));
        await using var provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<Bulwark.Edge.Proxy.EdgeProxyConfig>();
        var release = provider.GetRequiredService<ReleaseController>();
        Assert.Equal(200, (await release.StartCanaryAsync("green", TestContext.Current.CancellationToken)).Status);
        for (var i = 0; i < 10; i++)
        {
            release.Record("green", error: false, TimeSpan.FromMilliseconds(5));
        }

        var analysis = provider.GetServices<IHostedService>().OfType<CanaryAnalysisService>().Single();
        await analysis.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            // .NET 10 starts ExecuteAsync on a pool thread, so its timer may be set a moment after StartAsync returns:
            // step the fake clock a second at a time and judge by the decision's own timestamp.
            var started = time.GetUtcNow();
            for (var second = 0; second < 120 && release.State!.Weight != 5; second++)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }

            var promotion = Assert.Single(release.Decisions, d => d.Action == "Promote");
            Assert.True(promotion.At - started >= TimeSpan.FromSeconds(30), $"promoted after {promotion.At - started}, before the 30 s interval");
            Assert.Equal(5, release.State!.Weight);
        }
        finally
        {
            await analysis.StopAsync(CancellationToken.None);
        }
    }
}
