using Bulwark.Redis.RateLimiting;
using Bulwark.Resilience.RateLimiting;
using Bulwark.Testing;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Bulwark.Redis.Tests.RateLimiting;

public sealed class RedisRateLimiterTests
{
    private readonly string _prefix = $"bulwark-test:{Guid.NewGuid():N}:";

    private static async Task<ConnectionMultiplexer> Connect(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = 500;
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    [Theory]
    [InlineData(RateLimitAlgorithm.TokenBucket)]
    [InlineData(RateLimitAlgorithm.FixedWindow)]
    [InlineData(RateLimitAlgorithm.SlidingWindow)]
    [InlineData(RateLimitAlgorithm.LeakyBucket)]
    public async Task DecideAsync_EightClientsRace200Requests_AdmitsExactlyTheLimit(RateLimitAlgorithm algorithm)
    {
        await RealServers.RequireAsync(RealServer.Redis);
        var policy = new RateLimitPolicy { Algorithm = algorithm, PermitLimit = 50, Window = TimeSpan.FromHours(1), Burst = 50 };
        var clients = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Connect(RealServers.RedisConfiguration)));
        try
        {
            for (var round = 0; round < 3; round++)
            {
                var limiters = clients.Select(c => new RedisRateLimiter(c, new LocalRateLimiter(TimeProvider.System), new RedisRateLimiterOptions { KeyPrefix = _prefix, Timeout = TimeSpan.FromSeconds(5) })).ToArray();
                var partition = $"race-{algorithm}-{round}";
                var decisions = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() =>
                    limiters[i % 8].DecideAsync("tier", policy, partition, TestContext.Current.CancellationToken).AsTask())));

                Assert.Equal(50, decisions.Count(d => d.IsAllowed));
                Assert.All(decisions.Where(d => !d.IsAllowed), d => Assert.True(d.RetryAfter > TimeSpan.Zero));
            }
        }
        finally
        {
            var server = clients[0].GetServers()[0];
            await foreach (var key in server.KeysAsync(pattern: _prefix + "*"))
            {
                await clients[0].GetDatabase().KeyDeleteAsync(key);
            }

            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task DecideAsync_RedisUnreachable_FailOpen_LocalLimiterDecides()
    {
        await using var dead = await Connect($"127.0.0.1:{FreePort.Next()}");
        var time = new FakeTimeProvider();
        var limiter = new RedisRateLimiter(dead, new LocalRateLimiter(time), new RedisRateLimiterOptions { WhenUnavailable = RedisUnavailableMode.FailOpen }, time);
        var policy = new RateLimitPolicy { Algorithm = RateLimitAlgorithm.FixedWindow, PermitLimit = 3 };

        var decisions = new List<RateLimitDecision>();
        for (var i = 0; i < 5; i++)
        {
            decisions.Add(await limiter.DecideAsync("tier", policy, "k", TestContext.Current.CancellationToken));
        }

        Assert.Equal(3, decisions.Count(d => d.IsAllowed)); // the local limit still holds
        Assert.Equal(Polly.CircuitBreaker.CircuitState.Open, limiter.Breaker.State); // Redis is skipped, not retried per request
    }

    [Fact]
    public async Task DecideAsync_RedisUnreachable_FailClosed_RefusesEverything()
    {
        await using var dead = await Connect($"127.0.0.1:{FreePort.Next()}");
        var limiter = new RedisRateLimiter(dead, new LocalRateLimiter(TimeProvider.System), new RedisRateLimiterOptions { WhenUnavailable = RedisUnavailableMode.FailClosed });
        var decision = await limiter.DecideAsync("tier", new RateLimitPolicy(), "k", TestContext.Current.CancellationToken);
        Assert.False(decision.IsAllowed);
        Assert.True(decision.RetryAfter > TimeSpan.Zero);
    }
}
