using System.Threading.RateLimiting;
using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.CircuitBreaker;
using Bulwark.Resilience.Deadlines;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;

namespace Bulwark.Resilience.Tests.Issues;

/// <summary>Issue 10, item 1: a refusal on our side (bulkhead, rate limiter, spent deadline) is not the dependency failing.</summary>
public sealed class Issue10RefusalIsNotFailureTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Breaker_ItsBulkheadRefusesBurstsOfCalls_StaysClosed()
    {
        // The shop's payments pipeline: breaker outside, bulkhead inside, 10 slots and no queue.
        var breaker = new BulwarkCircuitBreaker("payments", new() { FailureThreshold = 5 }, _time);
        using var compartment = new BulkheadCompartment("payments", new() { MaxConcurrency = 10, QueueLimit = 0 });
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }.AddBulwarkCircuitBreaker(breaker).AddBulwarkBulkhead(compartment).Build();

        for (var round = 0; round < 3; round++)
        {
            var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var calls = Enumerable.Range(0, 50).Select(_ => Run(pipeline, () => release.Task)).ToList();
            var refused = calls.Where(c => c.IsCompleted).ToList();
            release.SetResult(1);
            var outcomes = await Task.WhenAll(calls);

            Assert.Equal(40, refused.Count);
            Assert.All(refused, r => Assert.IsType<BulkheadRejectedException>(r.Result.Exception));
            Assert.Equal(10, outcomes.Count(o => o.Exception is null));
            Assert.Equal(CircuitState.Closed, breaker.State);
        }

        // The dependency's own failures still open it.
        for (var i = 0; i < 5; i++)
        {
            await Run(pipeline, () => Task.FromException<int>(new HttpRequestException("down")));
        }

        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public async Task Breaker_RefusalsBetweenFailures_NeitherCountNorResetTheFailures()
    {
        var breaker = new BulwarkCircuitBreaker("consecutive", new() { FailureThreshold = 3 }, _time);
        using var compartment = new BulkheadCompartment("one", new() { MaxConcurrency = 1 });
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }.AddBulwarkCircuitBreaker(breaker).AddBulwarkBulkhead(compartment).Build();
        using (await compartment.AcquireAsync(Ct))
        {
            for (var i = 0; i < 100; i++)
            {
                await Run(pipeline, () => Task.FromResult(1));
            }
        }

        await Run(pipeline, () => Task.FromException<int>(new HttpRequestException("down")));
        await Run(pipeline, () => Task.FromException<int>(new HttpRequestException("down")));
        using (await compartment.AcquireAsync(Ct))
        {
            // A refusal is not a success either: it must not wipe out the two failures in a row.
            await Run(pipeline, () => Task.FromResult(1));
        }

        Assert.Equal(CircuitState.Closed, breaker.State);
        await Run(pipeline, () => Task.FromException<int>(new HttpRequestException("down")));
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public async Task Breaker_FailureRatioMode_RefusalsDoNotDiluteOrRaiseTheRatio()
    {
        var breaker = new BulwarkCircuitBreaker("ratio", new() { Mode = CircuitBreakerMode.FailureRatio, FailureRatio = 0.5, MinimumThroughput = 4 }, _time);
        using var compartment = new BulkheadCompartment("ratio", new() { MaxConcurrency = 1 });
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }.AddBulwarkCircuitBreaker(breaker).AddBulwarkBulkhead(compartment).Build();
        using (await compartment.AcquireAsync(Ct))
        {
            for (var i = 0; i < 100; i++)
            {
                await Run(pipeline, () => Task.FromResult(1));
            }
        }

        Assert.Equal(CircuitState.Closed, breaker.State);
        await Run(pipeline, () => Task.FromResult(1));
        await Run(pipeline, () => Task.FromResult(1));
        await Run(pipeline, () => Task.FromException<int>(new HttpRequestException("down")));
        await Run(pipeline, () => Task.FromException<int>(new HttpRequestException("down")));

        // Two failures in four real calls: had the refusals counted as successes, the ratio would be 2 in 104.
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public async Task Breaker_RateLimiterAndSpentDeadlineRefusals_NeverOpenIt()
    {
        var breaker = new BulwarkCircuitBreaker("limited", new() { FailureThreshold = 1 }, _time);
        using var limiter = new ConcurrencyLimiter(new() { PermitLimit = 1, QueueLimit = 0 });
        var limited = new ResiliencePipelineBuilder { TimeProvider = _time }.AddBulwarkCircuitBreaker(breaker).AddRateLimiter(limiter).Build();
        var late = new ResiliencePipelineBuilder { TimeProvider = _time }.AddBulwarkCircuitBreaker(breaker).AddBulwarkDeadline(TimeSpan.FromSeconds(1)).Build();

        using (limiter.AttemptAcquire())
        {
            for (var i = 0; i < 20; i++)
            {
                Assert.IsType<RateLimiterRejectedException>((await Run(limited, () => Task.FromResult(1))).Exception);
            }
        }

        using (DeadlineContext.Begin(Deadline.After(TimeSpan.FromMilliseconds(100), _time), _time, Ct))
        {
            _time.Advance(TimeSpan.FromMilliseconds(200));
            for (var i = 0; i < 20; i++)
            {
                var refused = Assert.IsType<DeadlineExceededException>((await Run(late, () => Task.FromResult(1))).Exception);
                Assert.True(refused.BeforeCall);
            }
        }

        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public async Task Breaker_HalfOpenProbeRefusedByItsBulkhead_GivesTheProbeSlotBack()
    {
        var breaker = new BulwarkCircuitBreaker("probe", new() { FailureThreshold = 1, BreakDuration = TimeSpan.FromSeconds(10) }, _time);
        using var compartment = new BulkheadCompartment("probe", new() { MaxConcurrency = 1 });
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }.AddBulwarkCircuitBreaker(breaker).AddBulwarkBulkhead(compartment).Build();
        await Run(pipeline, () => Task.FromException<int>(new HttpRequestException("down")));
        _time.Advance(TimeSpan.FromSeconds(10));

        using (await compartment.AcquireAsync(Ct))
        {
            Assert.IsType<BulkheadRejectedException>((await Run(pipeline, () => Task.FromResult(1))).Exception);
        }

        // The refused probe said nothing about the dependency; the next caller probes it and closes the breaker.
        Assert.Null((await Run(pipeline, () => Task.FromResult(1))).Exception);
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void TryEnter_OpenBreaker_EachRefusalIsANewExceptionCarryingTheTimeLeft()
    {
        var breaker = new BulwarkCircuitBreaker("fresh", new() { FailureThreshold = 1, BreakDuration = TimeSpan.FromSeconds(10) }, _time);
        Assert.True(breaker.TryEnter(out var permit, out _));
        breaker.Complete(permit, failed: true);
        _time.Advance(TimeSpan.FromSeconds(4));

        Assert.False(breaker.TryEnter(out _, out var first));
        Assert.False(breaker.TryEnter(out _, out var second));

        Assert.NotSame(first, second);
        Assert.Equal(TimeSpan.FromSeconds(6), Assert.IsType<BrokenCircuitException>(first).RetryAfter);
    }

    [Fact]
    public async Task Refusals_RethrownTenThousandTimes_KeepAShortStackTrace()
    {
        var breaker = new BulwarkCircuitBreaker("rethrown", new() { FailureThreshold = 1 }, _time);
        breaker.Isolate();
        using var compartment = new BulkheadCompartment("rethrown", new() { MaxConcurrency = 1 });
        using var held = await compartment.AcquireAsync(Ct);
        var open = new ResiliencePipelineBuilder().AddBulwarkCircuitBreaker(breaker).Build();
        var full = new ResiliencePipelineBuilder().AddBulwarkBulkhead(compartment).Build();

        var longest = 0;
        var distinct = new HashSet<Exception>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < 10_000; i++)
        {
            var pipeline = i % 2 == 0 ? open : full;
            var e = await Assert.ThrowsAnyAsync<Exception>(async () => await pipeline.ExecuteAsync(_ => ValueTask.FromResult(1), Ct));
            longest = Math.Max(longest, e.ToString().Length);
            distinct.Add(e);
            Assert.True(longest < 4_096, $"After {i + 1} refusals, a refusal's text grew to {longest} characters.");
        }

        Assert.Equal(10_000, distinct.Count);
    }

    private static async Task<Outcome<int>> Run(ResiliencePipeline pipeline, Func<Task<int>> work)
    {
        var context = ResilienceContextPool.Shared.Get(Ct);
        try
        {
            return await pipeline.ExecuteOutcomeAsync(
                static async (_, w) =>
                {
                    try
                    {
                        return Outcome.FromResult(await w());
                    }
                    catch (Exception e)
                    {
                        return Outcome.FromException<int>(e);
                    }
                },
                context,
                work);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
