using System.Diagnostics.Metrics;
using Bulwark.Resilience.CircuitBreaker;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.CircuitBreaker;

namespace Bulwark.Resilience.Tests.CircuitBreaker;

public sealed class BulwarkCircuitBreakerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    private static ResiliencePipeline Pipeline(BulwarkCircuitBreaker breaker) =>
        new ResiliencePipelineBuilder().AddBulwarkCircuitBreaker(breaker).Build();

    private static async Task<Outcome<int>> Run(ResiliencePipeline pipeline, Func<int> work)
    {
        var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);
        try
        {
            return await pipeline.ExecuteOutcomeAsync(
                (_, w) => { try { return ValueTask.FromResult(Outcome.FromResult(w())); } catch (Exception e) { return ValueTask.FromResult(Outcome.FromException<int>(e)); } },
                context,
                work);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static int Fail() => throw new InvalidOperationException("downstream failed");

    [Fact]
    public async Task ConsecutiveMode_FiveFailuresInARow_OpensAndRefusesWithoutCalling()
    {
        var breaker = new BulwarkCircuitBreaker("consecutive", new() { FailureThreshold = 5, BreakDuration = TimeSpan.FromSeconds(10) }, _time);
        var pipeline = Pipeline(breaker);

        for (var i = 0; i < 4; i++)
        {
            await Run(pipeline, Fail);
        }

        Assert.Equal(CircuitState.Closed, breaker.State);
        await Run(pipeline, Fail);
        Assert.Equal(CircuitState.Open, breaker.State);

        var calls = 0;
        var refused = await Run(pipeline, () => ++calls);
        Assert.IsType<BrokenCircuitException>(refused.Exception);
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task ConsecutiveMode_SuccessBetweenFailures_ResetsTheCount()
    {
        var breaker = new BulwarkCircuitBreaker("reset-count", new() { FailureThreshold = 5 }, _time);
        var pipeline = Pipeline(breaker);

        for (var i = 0; i < 4; i++)
        {
            await Run(pipeline, Fail);
        }

        await Run(pipeline, () => 1);
        for (var i = 0; i < 4; i++)
        {
            await Run(pipeline, Fail);
        }

        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public async Task ConsecutiveMode_AfterBreakDuration_ProbeSuccessCloses_ProbeFailureReopens()
    {
        var breaker = new BulwarkCircuitBreaker("cycle", new() { FailureThreshold = 2, BreakDuration = TimeSpan.FromSeconds(10) }, _time);
        var pipeline = Pipeline(breaker);
        await Run(pipeline, Fail);
        await Run(pipeline, Fail);
        Assert.Equal(CircuitState.Open, breaker.State);

        _time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.IsType<BrokenCircuitException>((await Run(pipeline, () => 1)).Exception);

        _time.Advance(TimeSpan.FromSeconds(0.1));
        var probe = await Run(pipeline, Fail);
        Assert.IsType<InvalidOperationException>(probe.Exception);
        Assert.Equal(CircuitState.Open, breaker.State);

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, (await Run(pipeline, () => 1)).Result);
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public async Task RatioMode_TripsOnlyAtMinimumThroughputAndRatio()
    {
        var breaker = new BulwarkCircuitBreaker("ratio", new()
        {
            Mode = CircuitBreakerMode.FailureRatio,
            FailureRatio = 0.5,
            MinimumThroughput = 10,
            SamplingDuration = TimeSpan.FromSeconds(10),
        }, _time);
        var pipeline = Pipeline(breaker);

        // 9 calls, 5 failing: ratio above 0.5 but below the minimum throughput.
        for (var i = 0; i < 5; i++)
        {
            await Run(pipeline, Fail);
        }

        for (var i = 0; i < 4; i++)
        {
            await Run(pipeline, () => 1);
        }

        Assert.Equal(CircuitState.Closed, breaker.State);
        await Run(pipeline, () => 1);
        Assert.Equal(CircuitState.Closed, breaker.State); // 5/10 = 0.5: trips only on a failure
        await Run(pipeline, Fail);
        Assert.Equal(CircuitState.Open, breaker.State); // 6/11
    }

    [Fact]
    public async Task RatioMode_FailuresOlderThanTheWindow_AreForgotten()
    {
        var breaker = new BulwarkCircuitBreaker("ratio-slide", new()
        {
            Mode = CircuitBreakerMode.FailureRatio,
            FailureRatio = 0.5,
            MinimumThroughput = 4,
            SamplingDuration = TimeSpan.FromSeconds(10),
        }, _time);
        var pipeline = Pipeline(breaker);
        for (var i = 0; i < 3; i++)
        {
            await Run(pipeline, Fail);
        }

        _time.Advance(TimeSpan.FromSeconds(11));
        await Run(pipeline, Fail); // only 1 call in the window now
        Assert.Equal(CircuitState.Closed, breaker.State);
        for (var i = 0; i < 3; i++)
        {
            await Run(pipeline, () => 1);
        }

        Assert.Equal(CircuitState.Closed, breaker.State); // 1/4
    }

    [Theory]
    [InlineData(1, CircuitBreakerMode.ConsecutiveFailures)]
    [InlineData(3, CircuitBreakerMode.ConsecutiveFailures)]
    [InlineData(1, CircuitBreakerMode.FailureRatio)]
    public async Task HalfOpen_HundredConcurrentCallers_AdmitsExactlyTheConfiguredProbes(int probes, CircuitBreakerMode mode)
    {
        for (var iteration = 0; iteration < 20; iteration++)
        {
            var breaker = new BulwarkCircuitBreaker($"probes-{probes}-{iteration}", new()
            {
                Mode = mode,
                FailureThreshold = 1,
                MinimumThroughput = 1,
                BreakDuration = TimeSpan.FromSeconds(5),
                HalfOpenProbes = probes,
            }, _time);
            var pipeline = Pipeline(breaker);
            await Run(pipeline, Fail);
            _time.Advance(TimeSpan.FromSeconds(5));

            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var entered = 0;
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var callers = Enumerable.Range(0, 100).Select(_ => Task.Run(async () =>
            {
                await start.Task;
                return await pipeline.ExecuteOutcomeAsync(
                    async (_, _) =>
                    {
                        Interlocked.Increment(ref entered);
                        await gate.Task;
                        return Outcome.FromResult(1);
                    },
                    ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken),
                    0);
            })).ToArray();

            start.SetResult();

            // Every caller that is not a probe is refused at once, while the probes are still held. An admitted probe
            // may not have reached the callback yet when the last refusal completes: wait for both, bounded.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while ((callers.Count(c => c.IsCompleted) < 100 - probes || Volatile.Read(ref entered) < probes) && waited.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(1, TestContext.Current.CancellationToken);
            }

            Assert.Equal(probes, Volatile.Read(ref entered));
            gate.SetResult();
            var outcomes = await Task.WhenAll(callers);
            Assert.Equal(probes, outcomes.Count(o => o.Exception is null));
            Assert.Equal(100 - probes, outcomes.Count(o => o.Exception is BrokenCircuitException));
            Assert.Equal(CircuitState.Closed, breaker.State);
        }
    }

    [Fact]
    public async Task CallStartedWhileClosed_FinishingAfterTrip_DoesNotCloseTheBreaker()
    {
        var breaker = new BulwarkCircuitBreaker("stale", new() { FailureThreshold = 1 }, _time);
        Assert.True(breaker.TryEnter(out var slow, out _));
        await Run(Pipeline(breaker), Fail);
        Assert.Equal(CircuitState.Open, breaker.State);

        breaker.Complete(slow, failed: false);
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public async Task Isolate_RefusesUntilReset_EvenAfterTheBreakDuration()
    {
        var breaker = new BulwarkCircuitBreaker("manual", new() { BreakDuration = TimeSpan.FromSeconds(1) }, _time);
        var pipeline = Pipeline(breaker);
        breaker.Isolate();
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.IsType<IsolatedCircuitException>((await Run(pipeline, () => 1)).Exception);
        Assert.Equal(CircuitState.Isolated, breaker.State);

        breaker.Reset();
        Assert.Equal(1, (await Run(pipeline, () => 1)).Result);
    }

    [Fact]
    public async Task StateGauge_ReportsOpenForTheBreaker()
    {
        var name = $"gauge-{Guid.NewGuid():N}";
        var breaker = new BulwarkCircuitBreaker(name, new() { FailureThreshold = 1 }, _time);
        var changes = new List<CircuitState>();
        breaker.StateChanged += (_, e) => changes.Add(e.To);
        await Run(Pipeline(breaker), Fail);

        int? observed = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Bulwark.Resilience" && instrument.Name == "bulwark.circuit_breaker.state")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Value as string == name)
                {
                    observed = value;
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Equal((int)CircuitState.Open, observed);
        Assert.Equal([CircuitState.Open], changes);
    }

    [Fact]
    public async Task CallerCancellation_IsNotCountedAsAFailure()
    {
        var breaker = new BulwarkCircuitBreaker("cancel", new() { FailureThreshold = 1 }, _time);
        var pipeline = Pipeline(breaker);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var context = ResilienceContextPool.Shared.Get(cts.Token);
        await pipeline.ExecuteOutcomeAsync((_, _) => Outcome.FromExceptionAsValueTask<int>(new OperationCanceledException(cts.Token)), context, 0);
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public async Task HalfOpen_ProbeNeverReturns_AnotherProbeIsAdmittedAfterABreakDuration()
    {
        var breaker = new BulwarkCircuitBreaker("hung-probe", new() { FailureThreshold = 1, BreakDuration = TimeSpan.FromSeconds(5) }, _time);
        var pipeline = Pipeline(breaker);
        await Run(pipeline, Fail);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(breaker.TryEnter(out _, out _)); // the probe, which hangs and never completes
        Assert.False(breaker.TryEnter(out _, out _));

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, (await Run(pipeline, () => 1)).Result);
        Assert.Equal(CircuitState.Closed, breaker.State);
    }
}
