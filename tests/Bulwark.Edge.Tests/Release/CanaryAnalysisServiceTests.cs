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
            time.Advance(TimeSpan.FromSeconds(29));
            Assert.DoesNotContain(release.Decisions, d => d.Action == "Promote");
            time.Advance(TimeSpan.FromSeconds(1));
            await Eventually.ReturnsAsync(() => Task.FromResult(release.State!), s => s.Weight == 5, "the promotion at 30 s");
            Assert.Equal(time.GetUtcNow(), release.Decisions[^1].At);
        }
        finally
        {
            await analysis.StopAsync(CancellationToken.None);
        }
    }
}
