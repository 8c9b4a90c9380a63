using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.CircuitBreaker;
using Bulwark.Resilience.RateLimiting;
using Bulwark.Resilience.Retry;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Bulwark.Resilience.Benchmarks;

[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private static readonly Func<ResilienceContext, int, ValueTask<Outcome<int>>> Work = static (_, s) => Outcome.FromResultAsValueTask(s);
    private ResiliencePipeline _bulwark = null!;
    private ResiliencePipeline _polly = null!;
    private ResiliencePipeline _bulwarkOpen = null!;
    private ResiliencePipeline _pollyOpen = null!;
    private ResiliencePipeline _bulwarkFull = null!;
    private ResiliencePipeline _pollyFull = null!;
    private LocalRateLimiter _local = null!;
    private RateLimitPolicy _policy = null!;
    private TokenBucketRateLimiter _strl = null!;
    private PartitionedRateLimiter<string> _strlPartitioned = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bulwark = new ResiliencePipelineBuilder()
            .AddTimeout(TimeSpan.FromSeconds(10))
            .AddBulwarkRetry("bench", new BulwarkRetryOptions { MaxRetryAttempts = 3 })
            .AddBulwarkCircuitBreaker(new BulwarkCircuitBreaker("bench", new BulwarkCircuitBreakerOptions()))
            .AddBulwarkBulkhead(new BulkheadCompartment("bench", new BulkheadOptions { MaxConcurrency = 100 }))
            .Build();
        _polly = new ResiliencePipelineBuilder()
            .AddTimeout(TimeSpan.FromSeconds(10))
            .AddRetry(new RetryStrategyOptions { MaxRetryAttempts = 3 })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions())
            .AddConcurrencyLimiter(100, 0)
            .Build();

        var openBreaker = new BulwarkCircuitBreaker("open", new BulwarkCircuitBreakerOptions { BreakDuration = TimeSpan.FromHours(1) });
        openBreaker.Isolate();
        _bulwarkOpen = new ResiliencePipelineBuilder().AddBulwarkCircuitBreaker(openBreaker).Build();
        var control = new CircuitBreakerManualControl();
        _pollyOpen = new ResiliencePipelineBuilder().AddCircuitBreaker(new CircuitBreakerStrategyOptions { ManualControl = control }).Build();
        control.IsolateAsync().GetAwaiter().GetResult();

        // Full compartments: one slot each, taken for the whole run.
        var compartment = new BulkheadCompartment("full", new BulkheadOptions { MaxConcurrency = 1 });
        _ = compartment.AcquireAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _bulwarkFull = new ResiliencePipelineBuilder().AddBulwarkBulkhead(compartment).Build();
        var limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 0 });
        _ = limiter.AttemptAcquire();
        _pollyFull = new ResiliencePipelineBuilder().AddRateLimiter(limiter).Build();

        _local = new LocalRateLimiter(TimeProvider.System);
        _policy = new RateLimitPolicy { Algorithm = RateLimitAlgorithm.TokenBucket, PermitLimit = int.MaxValue / 2, Window = TimeSpan.FromSeconds(1) };
        _strlPartitioned = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ =>
            new TokenBucketRateLimiterOptions { TokenLimit = int.MaxValue / 2, TokensPerPeriod = int.MaxValue / 2, ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 0 }));
        _strl = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions { TokenLimit = int.MaxValue / 2, TokensPerPeriod = int.MaxValue / 2, ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 0 });
    }

    [Benchmark(Baseline = true)]
    public async ValueTask<int> Success_Polly() => await Run(_polly);

    [Benchmark]
    public async ValueTask<int> Success_Bulwark() => await Run(_bulwark);

    [Benchmark]
    public async ValueTask<bool> Refusal_Polly_Throwing()
    {
        try
        {
            await _pollyOpen.ExecuteAsync(static _ => ValueTask.FromResult(1));
            return false;
        }
        catch (IsolatedCircuitException)
        {
            return true;
        }
    }

    [Benchmark]
    public async ValueTask<bool> Refusal_Bulwark_Outcome()
    {
        var context = ResilienceContextPool.Shared.Get();
        var outcome = await _bulwarkOpen.ExecuteOutcomeAsync(Work, context, 1);
        ResilienceContextPool.Shared.Return(context);
        return outcome.Exception is not null;
    }

    [Benchmark]
    public async ValueTask<bool> FullBulkhead_Polly_Throwing()
    {
        try
        {
            await _pollyFull.ExecuteAsync(static _ => ValueTask.FromResult(1));
            return false;
        }
        catch (Polly.RateLimiting.RateLimiterRejectedException)
        {
            return true;
        }
    }

    [Benchmark]
    public async ValueTask<bool> FullBulkhead_Bulwark_Outcome()
    {
        var context = ResilienceContextPool.Shared.Get();
        var outcome = await _bulwarkFull.ExecuteOutcomeAsync(Work, context, 1);
        ResilienceContextPool.Shared.Return(context);
        return outcome.Exception is not null;
    }

    [Benchmark]
    public bool RateLimit_Bulwark_Local() => _local.Decide("tier", _policy, "key:bench").IsAllowed;

    [Benchmark]
    public bool RateLimit_SystemThreadingRateLimiting()
    {
        using var lease = _strl.AttemptAcquire();
        return lease.IsAcquired;
    }

    [Benchmark]
    public bool RateLimit_SystemThreadingRateLimiting_Partitioned()
    {
        using var lease = _strlPartitioned.AttemptAcquire("key:bench");
        return lease.IsAcquired;
    }

    private static async ValueTask<int> Run(ResiliencePipeline pipeline)
    {
        var context = ResilienceContextPool.Shared.Get();
        var outcome = await pipeline.ExecuteOutcomeAsync(Work, context, 1);
        ResilienceContextPool.Shared.Return(context);
        return outcome.Result;
    }
}
