using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.CircuitBreaker;
using Bulwark.Resilience.RateLimiting;
using Bulwark.Resilience.Retry;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Retry;

namespace Bulwark.Resilience.Benchmarks;

/// <summary>
/// Bulwark's resilience pieces against their closest peer, one category per question, each with the peer as its
/// baseline, all in one run so that the ratios within a category are comparable. docs/benchmarks/resilience.md lists
/// what differs between the compared APIs.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class PipelineBenchmarks
{
    /// <summary>Partitions the rate-limit cases spread their keys over, visited round-robin by both limiters.</summary>
    public const int Partitions = 1024;

    private const string Tier = "bench";
    private const string Success = "Success";
    private const string Breaker = "BreakerClosed";
    private const string OpenBreaker = "OpenBreaker";
    private const string FullBulkhead = "FullBulkhead";
    private const string Allowed = "RateLimitAllowed";
    private const string Draining = "RateLimitAllowedDraining";
    private const string Refused = "RateLimitRefused";

    private static readonly Func<ResilienceContext, int, ValueTask<Outcome<int>>> Work = static (_, s) => Outcome.FromResultAsValueTask(s);
    private static readonly Func<CancellationToken, ValueTask<int>> ThrowingWork = static _ => ValueTask.FromResult(1);
    private static readonly Func<ResilienceContext, int, ValueTask<Outcome<int>>> Failing =
        static (_, _) => Outcome.FromExceptionAsValueTask<int>(new InvalidOperationException("bench failure"));

    private readonly string[] _keys = Enumerable.Range(0, Partitions).Select(static i => $"key:{i:D5}").ToArray();
    private int _next;

    private ResiliencePipeline _pollySuccess = null!;
    private ResiliencePipeline _bulwarkSuccess = null!;
    private ResiliencePipeline _pollyBreaker = null!;
    private ResiliencePipeline _bulwarkRatioBreaker = null!;
    private ResiliencePipeline _bulwarkConsecutiveBreaker = null!;
    private ResiliencePipeline _pollyOpen = null!;
    private ResiliencePipeline _bulwarkOpen = null!;
    private ResiliencePipeline _pollyFull = null!;
    private ResiliencePipeline _bulwarkFull = null!;

    private LocalRateLimiter _localAllowing = null!;
    private LocalRateLimiter _localDraining = null!;
    private LocalRateLimiter _localRefusing = null!;
    private RateLimitPolicy _allowing = null!;
    private RateLimitPolicy _draining = null!;
    private RateLimitPolicy _refusing = null!;
    private PartitionedRateLimiter<string> _strlAllowing = null!;
    private PartitionedRateLimiter<string> _strlDraining = null!;
    private PartitionedRateLimiter<string> _strlRefusing = null!;

    [GlobalSetup]
    public void Setup()
    {
        // Polly's breaker counts a failure ratio over a sampling duration; Bulwark's is set to the same mode and numbers.
        var pollyBreaker = new CircuitBreakerStrategyOptions();
        var bulwarkRatio = new BulwarkCircuitBreakerOptions
        {
            Mode = CircuitBreakerMode.FailureRatio,
            FailureRatio = pollyBreaker.FailureRatio,
            MinimumThroughput = pollyBreaker.MinimumThroughput,
            SamplingDuration = pollyBreaker.SamplingDuration,
            BreakDuration = pollyBreaker.BreakDuration,
        };

        _pollySuccess = new ResiliencePipelineBuilder()
            .AddTimeout(TimeSpan.FromSeconds(10))
            .AddRetry(new RetryStrategyOptions { MaxRetryAttempts = 3 })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions())
            .AddConcurrencyLimiter(100, 0)
            .Build();
        _bulwarkSuccess = new ResiliencePipelineBuilder()
            .AddTimeout(TimeSpan.FromSeconds(10))
            .AddBulwarkRetry(new BulwarkRetryOptions { MaxRetryAttempts = 3 })
            .AddBulwarkCircuitBreaker(new BulwarkCircuitBreaker("bench", bulwarkRatio))
            .AddBulwarkBulkhead(new BulkheadCompartment("bench", new BulkheadOptions { MaxConcurrency = 100 }))
            .Build();

        _pollyBreaker = new ResiliencePipelineBuilder().AddCircuitBreaker(new CircuitBreakerStrategyOptions()).Build();
        _bulwarkRatioBreaker = new ResiliencePipelineBuilder().AddBulwarkCircuitBreaker(new BulwarkCircuitBreaker("ratio", bulwarkRatio)).Build();
        _bulwarkConsecutiveBreaker = new ResiliencePipelineBuilder()
            .AddBulwarkCircuitBreaker(new BulwarkCircuitBreaker("consecutive", new BulwarkCircuitBreakerOptions { BreakDuration = pollyBreaker.BreakDuration }))
            .Build();

        // Open breakers, tripped by real failures (not isolated by hand) and held open for the whole run.
        var trip = new CircuitBreakerStrategyOptions { FailureRatio = 0.5, MinimumThroughput = 2, BreakDuration = TimeSpan.FromHours(1) };
        _pollyOpen = new ResiliencePipelineBuilder().AddCircuitBreaker(trip).Build();
        _bulwarkOpen = new ResiliencePipelineBuilder()
            .AddBulwarkCircuitBreaker(new BulwarkCircuitBreaker("open", new BulwarkCircuitBreakerOptions
            {
                Mode = CircuitBreakerMode.FailureRatio,
                FailureRatio = trip.FailureRatio,
                MinimumThroughput = trip.MinimumThroughput,
                SamplingDuration = trip.SamplingDuration,
                BreakDuration = trip.BreakDuration,
            }))
            .Build();
        TripOpen(_pollyOpen);
        TripOpen(_bulwarkOpen);

        // Full compartments: one slot each, taken for the whole run.
        var compartment = new BulkheadCompartment("full", new BulkheadOptions { MaxConcurrency = 1 });
        _ = compartment.AcquireAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _bulwarkFull = new ResiliencePipelineBuilder().AddBulwarkBulkhead(compartment).Build();
        var limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 0 });
        _ = limiter.AttemptAcquire();
        _pollyFull = new ResiliencePipelineBuilder().AddRateLimiter(limiter).Build();

        // Token buckets with the same capacity and refill on both sides. Allowed: 100 M per second, so a partition's
        // bucket is full again each time its turn comes round (a caller under its limit). Draining: 100 M per day, so
        // each visit takes a token the refill has not yet replaced (a caller in a burst) but none runs dry during a run.
        // Refused: one token per hour, spent by every partition in setup, so that every measured call is refused.
        _allowing = new RateLimitPolicy { Algorithm = RateLimitAlgorithm.TokenBucket, PermitLimit = 100_000_000, Window = TimeSpan.FromSeconds(1) };
        _draining = new RateLimitPolicy { Algorithm = RateLimitAlgorithm.TokenBucket, PermitLimit = 100_000_000, Window = TimeSpan.FromDays(1) };
        _refusing = new RateLimitPolicy { Algorithm = RateLimitAlgorithm.TokenBucket, PermitLimit = 1, Window = TimeSpan.FromHours(1) };
        _localAllowing = new LocalRateLimiter(TimeProvider.System);
        _localDraining = new LocalRateLimiter(TimeProvider.System);
        _localRefusing = new LocalRateLimiter(TimeProvider.System);
        _strlAllowing = Partitioned(_allowing);
        _strlDraining = Partitioned(_draining);
        _strlRefusing = Partitioned(_refusing);
        foreach (var key in _keys)
        {
            _ = _localAllowing.Decide(Tier, _allowing, key);
            _ = _localDraining.Decide(Tier, _draining, key);
            _ = _localRefusing.Decide(Tier, _refusing, key);
            _strlAllowing.AttemptAcquire(key).Dispose();
            _strlDraining.AttemptAcquire(key).Dispose();
            _strlRefusing.AttemptAcquire(key).Dispose();
        }

        if (_localRefusing.Decide(Tier, _refusing, _keys[0]).IsAllowed || _strlRefusing.AttemptAcquire(_keys[0]).IsAcquired)
        {
            throw new InvalidOperationException("The refusing limiters must refuse.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _localAllowing.Dispose();
        _localDraining.Dispose();
        _localRefusing.Dispose();
        _strlAllowing.Dispose();
        _strlDraining.Dispose();
        _strlRefusing.Dispose();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(Success)]
    public ValueTask<int> Success_Polly() => Run(_pollySuccess);

    [Benchmark]
    [BenchmarkCategory(Success)]
    public ValueTask<int> Success_Bulwark() => Run(_bulwarkSuccess);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(Breaker)]
    public ValueTask<int> Breaker_Polly_FailureRatio() => Run(_pollyBreaker);

    [Benchmark]
    [BenchmarkCategory(Breaker)]
    public ValueTask<int> Breaker_Bulwark_FailureRatio() => Run(_bulwarkRatioBreaker);

    [Benchmark]
    [BenchmarkCategory(Breaker)]
    public ValueTask<int> Breaker_Bulwark_ConsecutiveFailures() => Run(_bulwarkConsecutiveBreaker);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(OpenBreaker)]
    public ValueTask<bool> OpenBreaker_Polly_Outcome() => Refuse(_pollyOpen);

    [Benchmark]
    [BenchmarkCategory(OpenBreaker)]
    public ValueTask<bool> OpenBreaker_Polly_Throwing() => RefuseThrowing<BrokenCircuitException>(_pollyOpen);

    [Benchmark]
    [BenchmarkCategory(OpenBreaker)]
    public ValueTask<bool> OpenBreaker_Bulwark_Outcome() => Refuse(_bulwarkOpen);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(FullBulkhead)]
    public ValueTask<bool> FullBulkhead_Polly_Outcome() => Refuse(_pollyFull);

    [Benchmark]
    [BenchmarkCategory(FullBulkhead)]
    public ValueTask<bool> FullBulkhead_Polly_Throwing() => RefuseThrowing<RateLimiterRejectedException>(_pollyFull);

    [Benchmark]
    [BenchmarkCategory(FullBulkhead)]
    public ValueTask<bool> FullBulkhead_Bulwark_Outcome() => Refuse(_bulwarkFull);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(Allowed)]
    public bool RateLimitAllowed_STRL_Partitioned()
    {
        using var lease = _strlAllowing.AttemptAcquire(NextKey());
        return lease.IsAcquired;
    }

    [Benchmark]
    [BenchmarkCategory(Allowed)]
    public bool RateLimitAllowed_Bulwark_Local() => _localAllowing.Decide(Tier, _allowing, NextKey()).IsAllowed;

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(Draining)]
    public bool RateLimitAllowedDraining_STRL_Partitioned()
    {
        using var lease = _strlDraining.AttemptAcquire(NextKey());
        return lease.IsAcquired;
    }

    [Benchmark]
    [BenchmarkCategory(Draining)]
    public bool RateLimitAllowedDraining_Bulwark_Local() => _localDraining.Decide(Tier, _draining, NextKey()).IsAllowed;

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(Refused)]
    public bool RateLimitRefused_STRL_Partitioned()
    {
        using var lease = _strlRefusing.AttemptAcquire(NextKey());
        return lease.IsAcquired;
    }

    [Benchmark]
    [BenchmarkCategory(Refused)]
    public bool RateLimitRefused_Bulwark_Local() => _localRefusing.Decide(Tier, _refusing, NextKey()).IsAllowed;

    private static PartitionedRateLimiter<string> Partitioned(RateLimitPolicy policy)
    {
        // One token bucket per key, created on first use, as ASP.NET Core's rate-limiting middleware builds them.
        var options = new TokenBucketRateLimiterOptions
        {
            TokenLimit = policy.PermitLimit,
            TokensPerPeriod = policy.PermitLimit,
            ReplenishmentPeriod = policy.Window,
            QueueLimit = 0,
        };
        return PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => options));
    }

    private static void TripOpen(ResiliencePipeline pipeline)
    {
        for (var i = 0; i < 10; i++)
        {
            var context = ResilienceContextPool.Shared.Get();
            _ = pipeline.ExecuteOutcomeAsync(Failing, context, 0).AsTask().GetAwaiter().GetResult();
            ResilienceContextPool.Shared.Return(context);
        }

        if (!Refuse(pipeline).AsTask().GetAwaiter().GetResult())
        {
            throw new InvalidOperationException("The breaker must be open.");
        }
    }

    private static async ValueTask<int> Run(ResiliencePipeline pipeline)
    {
        var context = ResilienceContextPool.Shared.Get();
        var outcome = await pipeline.ExecuteOutcomeAsync(Work, context, 1);
        ResilienceContextPool.Shared.Return(context);
        return outcome.Result;
    }

    // Polly's fastest path: a pooled context and an outcome, so a refusal is returned, never thrown.
    private static async ValueTask<bool> Refuse(ResiliencePipeline pipeline)
    {
        var context = ResilienceContextPool.Shared.Get();
        var outcome = await pipeline.ExecuteOutcomeAsync(Work, context, 1);
        ResilienceContextPool.Shared.Return(context);
        return outcome.Exception is not null;
    }

    private static async ValueTask<bool> RefuseThrowing<TException>(ResiliencePipeline pipeline)
        where TException : Exception
    {
        try
        {
            await pipeline.ExecuteAsync(ThrowingWork);
            return false;
        }
        catch (TException)
        {
            return true;
        }
    }

    private string NextKey() => _keys[_next++ & (Partitions - 1)];
}
