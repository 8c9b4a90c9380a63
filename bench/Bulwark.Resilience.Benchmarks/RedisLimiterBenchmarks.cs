using BenchmarkDotNet.Attributes;
using Bulwark.Redis.RateLimiting;
using Bulwark.Resilience.RateLimiting;
using RedisRateLimiting;
using StackExchange.Redis;

namespace Bulwark.Resilience.Benchmarks;

/// <summary>One token-bucket decision on the local Redis (127.0.0.1:6379), sequential: decisions/s = 1 s / mean.</summary>
[MemoryDiagnoser]
public class RedisLimiterBenchmarks
{
    private ConnectionMultiplexer _redis = null!;
    private RedisRateLimiter _bulwark = null!;
    private RedisTokenBucketRateLimiter<string> _package = null!;
    private RateLimitPolicy _policy = null!;
    private readonly string _prefix = $"bulwark-bench:{Guid.NewGuid():N}:";

    [GlobalSetup]
    public void Setup()
    {
        _redis = ConnectionMultiplexer.Connect(Environment.GetEnvironmentVariable("BULWARK_TEST_REDIS") ?? "127.0.0.1:6379");
        _policy = new RateLimitPolicy { Algorithm = RateLimitAlgorithm.TokenBucket, PermitLimit = 1_000_000_000, Window = TimeSpan.FromSeconds(1) };
        _bulwark = new RedisRateLimiter(_redis, new LocalRateLimiter(TimeProvider.System), new Bulwark.Redis.RateLimiting.RedisRateLimiterOptions { KeyPrefix = _prefix });
        _package = new RedisTokenBucketRateLimiter<string>(_prefix + "package", new RedisTokenBucketRateLimiterOptions
        {
            ConnectionMultiplexerFactory = () => _redis,
            TokenLimit = 1_000_000_000,
            TokensPerPeriod = 1_000_000_000,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var key in _redis.GetServers()[0].Keys(pattern: _prefix + "*"))
        {
            _redis.GetDatabase().KeyDelete(key);
        }

        _redis.Dispose();
    }

    [Benchmark(Baseline = true)]
    public async Task<bool> RedisRateLimitingPackage_TokenBucket()
    {
        using var lease = await _package.AcquireAsync(1);
        return lease.IsAcquired;
    }

    [Benchmark]
    public async Task<bool> Bulwark_Redis_Gcra() => (await _bulwark.DecideAsync("bench", _policy, "key", CancellationToken.None)).IsAllowed;
}
