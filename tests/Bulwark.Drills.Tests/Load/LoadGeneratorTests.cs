using System.ComponentModel.DataAnnotations;
using Bulwark.Drills.Load;

namespace Bulwark.Drills.Tests.Load;

/// <summary>The load generator against a real Kestrel app on loopback, with small bounded load.</summary>
public sealed class LoadGeneratorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static LoadGenerator Generator => new(TimeProvider.System);

    [Fact]
    public async Task RunAsync_ClosedLoop_StopsAtRequestCountWithEveryStatusRecorded()
    {
        await using var server = await TinyServer.StartAsync();

        var result = await Generator.RunAsync(
            new LoadOptions { Target = server.BaseAddress, Concurrency = 4, MaxRequests = 150, MaxDuration = TimeSpan.FromSeconds(20) },
            i => LoadRequest.Get(i % 3 == 0 ? "/status/503" : "/ok"),
            Ct);

        Assert.Equal(LoadStopReason.RequestCountReached, result.StopReason);
        Assert.Equal(150, result.Samples.Count);
        Assert.Equal(Enumerable.Range(0, 150), result.Samples.Select(s => s.Index));
        Assert.Equal(100, result.Statistics.CountOf(200));
        Assert.Equal(50, result.Statistics.CountOf(503));
        Assert.Equal(50.0 / 150, result.Statistics.ErrorRate, precision: 6);
        Assert.True(result.Statistics.Throughput > 0);
    }

    [Fact]
    public async Task RunAsync_ManyWorkersRepeatedly_NeverSendsMoreOrFewerThanMaxRequests()
    {
        await using var server = await TinyServer.StartAsync();

        for (var round = 0; round < 3; round++)
        {
            var result = await Generator.RunAsync(
                new LoadOptions { Target = server.BaseAddress, Concurrency = 64, MaxRequests = 300 },
                _ => LoadRequest.Get("/ok"),
                Ct);

            Assert.Equal(Enumerable.Range(0, 300), result.Samples.Select(s => s.Index));
            Assert.Equal(300, result.Statistics.CountOf(200));
        }
    }

    [Fact]
    public async Task RunAsync_OneInTenSlow_PercentilesReflectTheKnownLatencies()
    {
        await using var server = await TinyServer.StartAsync();

        var result = await Generator.RunAsync(
            new LoadOptions { Target = server.BaseAddress, Concurrency = 10, MaxRequests = 100 },
            i => LoadRequest.Get(i % 10 == 9 ? "/delay/200" : "/ok"),
            Ct);

        var stats = result.Statistics;
        Assert.Equal(100, stats.Sent);
        Assert.True(stats.P50 < TimeSpan.FromMilliseconds(150), $"p50 {stats.P50}");
        // Timers may fire a millisecond or two early; the slow tenth still dominates the tail.
        Assert.True(stats.P95 >= TimeSpan.FromMilliseconds(190), $"p95 {stats.P95}");
        Assert.True(stats.P99 >= TimeSpan.FromMilliseconds(190), $"p99 {stats.P99}");
        Assert.True(stats.Max < TimeSpan.FromSeconds(5), $"max {stats.Max}");
    }

    [Fact]
    public async Task RunAsync_DurationShorterThanCount_StopsStartingAtTheDuration()
    {
        await using var server = await TinyServer.StartAsync();

        var result = await Generator.RunAsync(
            new LoadOptions { Target = server.BaseAddress, Concurrency = 2, MaxRequests = LoadOptions.RequestCap, MaxDuration = TimeSpan.FromMilliseconds(500) },
            _ => LoadRequest.Get("/delay/50"),
            Ct);

        Assert.Equal(LoadStopReason.DurationReached, result.StopReason);
        // Two workers, 50 ms each, for 0.5 s: about 20, never thousands.
        Assert.InRange(result.Samples.Count, 2, 24);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(3), $"elapsed {result.Elapsed}");
    }

    [Fact]
    public async Task RunAsync_OpenLoop_StartsAtTheRequestedRate()
    {
        await using var server = await TinyServer.StartAsync();

        var result = await Generator.RunAsync(
            new LoadOptions { Target = server.BaseAddress, Mode = LoadMode.OpenLoop, RatePerSecond = 100, MaxRequests = 10_000, MaxDuration = TimeSpan.FromSeconds(1) },
            _ => LoadRequest.Get("/ok"),
            Ct);

        Assert.Equal(LoadStopReason.DurationReached, result.StopReason);
        Assert.InRange(result.Statistics.Sent, 80, 101);
    }

    [Fact]
    public async Task RunAsync_OpenLoopInFlightCapReached_DropsAndCountsTheExcess()
    {
        await using var server = await TinyServer.StartAsync();

        var result = await Generator.RunAsync(
            new LoadOptions { Target = server.BaseAddress, Mode = LoadMode.OpenLoop, RatePerSecond = 50, MaxInFlight = 1, MaxRequests = 20 },
            _ => LoadRequest.Get("/delay/300"),
            Ct);

        Assert.Equal(20, result.Statistics.Count);
        Assert.True(result.Statistics.Dropped >= 10, $"dropped {result.Statistics.Dropped}");
        Assert.Equal(result.Statistics.Sent, result.Statistics.CountOf(200));
    }

    [Fact]
    public async Task RunAsync_SlowerThanRequestTimeout_RecordsTimeout()
    {
        await using var server = await TinyServer.StartAsync();

        var result = await Generator.RunAsync(
            new LoadOptions { Target = server.BaseAddress, Concurrency = 1, MaxRequests = 2, RequestTimeout = TimeSpan.FromMilliseconds(100) },
            _ => LoadRequest.Get("/delay/5000"),
            Ct);

        Assert.All(result.Samples, s => Assert.Equal(LoadFailure.Timeout, s.Failure));
        Assert.Equal(1.0, result.Statistics.ErrorRate);
    }

    [Fact]
    public async Task RunAsync_NobodyListening_RecordsTransportErrors()
    {
        var port = Bulwark.Testing.FreePort.Next();

        var result = await Generator.RunAsync(
            new LoadOptions { Target = new Uri($"http://127.0.0.1:{port}/"), Concurrency = 1, MaxRequests = 3 },
            _ => LoadRequest.Get("/ok"),
            Ct);

        Assert.Equal(3, result.Statistics.TransportErrors);
    }

    [Theory]
    [InlineData(0, 1000)]
    [InlineData(1, 100_001)]
    [InlineData(257, 10)]
    public async Task RunAsync_OptionsBeyondHardCaps_Throws(int concurrency, int maxRequests)
    {
        var options = new LoadOptions { Target = new Uri("http://127.0.0.1:1/"), Concurrency = concurrency, MaxRequests = maxRequests };

        await Assert.ThrowsAsync<ValidationException>(() => Generator.RunAsync(options, _ => LoadRequest.Get("/"), Ct));
    }

    [Fact]
    public async Task RunAsync_RateBeyondCap_Throws()
    {
        var options = new LoadOptions { Target = new Uri("http://127.0.0.1:1/"), Mode = LoadMode.OpenLoop, RatePerSecond = 5000 };

        await Assert.ThrowsAsync<ValidationException>(() => Generator.RunAsync(options, _ => LoadRequest.Get("/"), Ct));
    }

    [Fact]
    public async Task RunAsync_DurationBeyondCap_Throws()
    {
        var options = new LoadOptions { Target = new Uri("http://127.0.0.1:1/"), MaxDuration = TimeSpan.FromMinutes(11) };

        await Assert.ThrowsAsync<ValidationException>(() => Generator.RunAsync(options, _ => LoadRequest.Get("/"), Ct));
    }
}
