using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using System.Net;
using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.CircuitBreaker;
using Bulwark.Resilience.DependencyInjection;
using Bulwark.Resilience.Retry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace Bulwark.Resilience.Tests.Issues;

/// <summary>
/// Issue 11, item 2: Bulwark's strategies go through Polly's validation path, take one options object each, change no
/// options after build, retry on Polly's retry with the one backoff, and meter through the container's IMeterFactory.
/// </summary>
public sealed class Issue11PollyOptionsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void AddBulwarkCircuitBreaker_FailureThresholdZero_ThrowsValidationException()
    {
        var error = Assert.Throws<ValidationException>(() =>
            new ResiliencePipelineBuilder().AddBulwarkCircuitBreaker("zero", new BulwarkCircuitBreakerOptions { FailureThreshold = 0 }).Build());
        Assert.Contains("FailureThreshold", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddBulwarkRetry_NegativeAttempts_ThrowsValidationException()
    {
        var error = Assert.Throws<ValidationException>(() =>
            new ResiliencePipelineBuilder<HttpResponseMessage>().AddBulwarkRetry(new BulwarkRetryOptions { MaxRetryAttempts = -1 }).Build());
        Assert.Contains("MaxRetryAttempts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddBulwarkRetry_DelayAboveAnHour_ThrowsValidationException()
    {
        var error = Assert.Throws<ValidationException>(() =>
            new ResiliencePipelineBuilder().AddBulwarkRetry(new BulwarkRetryOptions { MaxDelay = TimeSpan.FromHours(2) }).Build());
        Assert.Contains("MaxDelay", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BulkheadCompartment_ZeroConcurrency_ThrowsValidationException() =>
        Assert.Throws<ValidationException>(() => new BulkheadCompartment("none", new BulkheadOptions { MaxConcurrency = 0 }));

    [Fact]
    public void RetryBudget_WindowBelowASecond_ThrowsValidationException() =>
        Assert.Throws<ValidationException>(() => new RetryBudget("tiny", new RetryBudgetOptions { Window = TimeSpan.FromMilliseconds(10) }, _time));

    [Fact]
    public async Task Options_ConfiguredRetryOutOfRange_FailsAtStartNotAtFirstCall()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bulwark:Resilience:Pipelines:payments:Retry:MaxRetryAttempts"] = "1000",
        }).Build();
        var services = new ServiceCollection();
        services.AddBulwarkResilience(configuration);
        await using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<BulwarkPipelineOptions>>().Get("payments"));
        Assert.Contains("MaxRetryAttempts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_JitteredRetry_WaitsExactlyTheSharedBackoffOnThePipelineClock()
    {
        // A fixed random sequence: the delays Polly's retry waits are the ones Backoff computes, and the fake clock moves
        // by exactly their sum before the last attempt.
        double[] randoms = [0.25, 0.5, 0.75];
        var next = 0;
        var delays = new List<TimeSpan>();
        var options = new BulwarkRetryOptions
        {
            MaxRetryAttempts = 3,
            BaseDelay = TimeSpan.FromMilliseconds(100),
            MaxDelay = TimeSpan.FromSeconds(10),
            Jitter = BackoffJitter.Full,
            Random = () => randoms[next++],
            OnRetry = r => delays.Add(r.Delay),
        };
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time }.AddBulwarkRetry(options.ForHttp()).Build();
        var start = _time.GetUtcNow();
        var calls = new List<DateTimeOffset>();

        var run = pipeline.ExecuteAsync(_ => { calls.Add(_time.GetUtcNow()); return ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)); }, Ct).AsTask();
        for (var i = 0; i < 1000 && !run.IsCompleted; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(25));
            await Task.Delay(1, Ct);
        }

        using var response = await run;
        TimeSpan[] expected =
        [
            Backoff.Next(BackoffJitter.Full, 0, options.BaseDelay, options.MaxDelay, options.BaseDelay, 0.25),
            Backoff.Next(BackoffJitter.Full, 1, options.BaseDelay, options.MaxDelay, TimeSpan.FromMilliseconds(25), 0.5),
            Backoff.Next(BackoffJitter.Full, 2, options.BaseDelay, options.MaxDelay, TimeSpan.FromMilliseconds(100), 0.75),
        ];
        Assert.Equal([TimeSpan.FromMilliseconds(25), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300)], expected);
        Assert.Equal(expected, delays);
        Assert.Equal(4, calls.Count);
        for (var i = 1; i < calls.Count; i++)
        {
            // The fake clock moves in 25 ms steps, so each wait ends on the first step at or after its delay.
            Assert.InRange(calls[i] - calls[i - 1], expected[i - 1], expected[i - 1] + TimeSpan.FromMilliseconds(25));
        }

        Assert.True(calls[^1] - start >= expected.Aggregate(TimeSpan.Zero, (a, b) => a + b));
    }

    [Fact]
    public async Task Execute_SharedBudgetAcrossTwoPipelines_RetriesOfBothDrawOnIt()
    {
        // One dependency, two pipelines: their retries share one allowance (the floor of 10 per 10 s window, no calls
        // earned), so twenty failing calls through both make ten retries in all, not ten each.
        var budget = new RetryBudget("dependency", new() { RetryRatio = 0, MinRetriesPerSecond = 1, Window = TimeSpan.FromSeconds(10) }, _time);
        ResiliencePipeline<HttpResponseMessage> Pipeline() => new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time }
            .AddBulwarkRetry(new BulwarkRetryOptions { MaxRetryAttempts = 1, BaseDelay = TimeSpan.Zero, Jitter = BackoffJitter.None, Budget = budget }.ForHttp())
            .Build();
        var first = Pipeline();
        var second = Pipeline();
        var attempts = 0;

        for (var call = 0; call < 10; call++)
        {
            foreach (var pipeline in new[] { first, second })
            {
                using var response = await pipeline.ExecuteAsync(_ => { attempts++; return ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)); }, Ct);
            }
        }

        Assert.Equal(30, attempts);
    }

    [Fact]
    public async Task HttpHandler_BreakerOptions_CountTransientResultsBeforeAnyClientIsBuiltAndAreNeverChangedAfter()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bulwark:Resilience:Pipelines:provider:CircuitBreaker"] = "provider",
        }).Build();
        var services = new ServiceCollection();
        services.AddBulwarkResilience(configuration);
        services.AddHttpClient("provider", c => c.BaseAddress = new Uri("http://127.0.0.1:9")).AddBulwarkResilienceHandler("provider");
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<BulwarkCircuitBreakerOptions>>().Get("provider");
        Assert.NotNull(options.ShouldHandleResult);
        var predicate = options.ShouldHandleResult;

        using var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("provider");
        Assert.Same(predicate, options.ShouldHandleResult);
        Assert.True(options.ShouldHandleResult(new HttpResponseMessage(HttpStatusCode.BadGateway)));
    }

    [Fact]
    public async Task Metrics_RegistryBuiltComponents_MeterThroughTheContainersFactory()
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddSingleton<TimeProvider>(_time);
        services.AddBulwarkResilience().ConfigureCircuitBreaker("metered", o => o.FailureThreshold = 1);
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IMeterFactory>();
        var fromFactory = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Bulwark.Resilience" && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, _, _) => fromFactory.Add(instrument.Name));
        listener.Start();

        var breaker = provider.GetRequiredService<CircuitBreakerRegistry>().Get("metered");
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }.AddBulwarkCircuitBreaker(breaker).Build();
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await pipeline.ExecuteAsync<int>(_ => throw new InvalidOperationException("down"), Ct));
        var refused = await pipeline.ExecuteOutcomeAsync((_, _) => Outcome.FromResultAsValueTask(1), ResilienceContextPool.Shared.Get(Ct), 0);

        Assert.NotNull(refused.Exception);
        Assert.Contains("bulwark.circuit_breaker.transitions", fromFactory);
        Assert.Contains("bulwark.circuit_breaker.rejections", fromFactory);
    }
}
