using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.CircuitBreaker;
using Bulwark.Resilience.Deadlines;
using Bulwark.Resilience.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.Registry;

namespace Bulwark.Resilience.Tests.DependencyInjection;

public sealed class ResilienceServiceCollectionExtensionsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public async Task AddBulwarkResilience_PipelineFromConfiguration_SharesItsNamedBreakerAndBulkhead()
    {
        var services = new ServiceCollection();
        services.AddBulwarkResilience(Config(
            ("Bulwark:Resilience:Pipelines:payments:CircuitBreaker", "payments"),
            ("Bulwark:Resilience:Pipelines:payments:Bulkhead", "payments"),
            ("Bulwark:Resilience:Bulkheads:payments:MaxConcurrency", "1"),
            ("Bulwark:Resilience:CircuitBreakers:payments:FailureThreshold", "2")));
        await using var provider = services.BuildServiceProvider();

        var pipeline = provider.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline("payments");
        var breaker = provider.GetRequiredService<CircuitBreakerRegistry>().Get("payments");
        Assert.Equal(2, breaker.Options.FailureThreshold);
        Assert.Equal(1, provider.GetRequiredService<BulkheadRegistry>().Get("payments").Options.MaxConcurrency);

        for (var i = 0; i < 2; i++)
        {
            var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);
            await pipeline.ExecuteOutcomeAsync((_, _) => Outcome.FromExceptionAsValueTask<int>(new InvalidOperationException()), context, 0);
        }

        Assert.Equal(Polly.CircuitBreaker.CircuitState.Open, breaker.State);
    }

    [Fact]
    public async Task AddBulwarkResilience_HungDependencyUnderALongerRequestDeadline_OneAttemptPerCallAndEachHangCountsForTheBreaker()
    {
        // The shop's payments shape: a 5 s request deadline around a 1.5 s pipeline budget with 1 s attempts.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddBulwarkResilience(Config(
            ("Bulwark:Resilience:Pipelines:payments:Timeout", "00:00:01.500"),
            ("Bulwark:Resilience:Pipelines:payments:AttemptTimeout", "00:00:01"),
            ("Bulwark:Resilience:Pipelines:payments:Retry:MaxRetryAttempts", "2"),
            ("Bulwark:Resilience:Pipelines:payments:Retry:BaseDelay", "00:00:00.200"),
            ("Bulwark:Resilience:Pipelines:payments:Retry:Jitter", "None"),
            ("Bulwark:Resilience:Pipelines:payments:CircuitBreaker", "payments"),
            ("Bulwark:Resilience:CircuitBreakers:payments:FailureThreshold", "3")));
        await using var provider = services.BuildServiceProvider();
        var pipeline = provider.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline("payments");
        var breaker = provider.GetRequiredService<CircuitBreakerRegistry>().Get("payments");
        using var request = DeadlineContext.Begin(Deadline.After(TimeSpan.FromSeconds(5), time), time, TestContext.Current.CancellationToken);

        for (var call = 0; call < 3; call++)
        {
            var attempts = 0;
            var started = time.GetUtcNow();
            var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);
            var run = pipeline.ExecuteOutcomeAsync(
                async (ctx, _) =>
                {
                    attempts++;
                    await Task.Delay(Timeout.InfiniteTimeSpan, time, ctx.CancellationToken);
                    return Outcome.FromResult(0);
                },
                context,
                0).AsTask();
            // Once the attempt hangs, move the clock by exactly one attempt timeout: the call must end right there
            // (a retry would need more fake time and never finish). Stepping the clock in small increments instead
            // raced the continuations on a loaded machine and overshot.
            await Eventually(() => Volatile.Read(ref attempts) == 1);
            time.Advance(TimeSpan.FromSeconds(1));
            var outcome = await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            ResilienceContextPool.Shared.Return(context);
            Assert.IsType<Polly.Timeout.TimeoutRejectedException>(outcome.Exception);
            Assert.Equal(1, attempts);
            Assert.Equal(TimeSpan.FromSeconds(1), time.GetUtcNow() - started);
        }

        Assert.Equal(Polly.CircuitBreaker.CircuitState.Open, breaker.State);
    }

    [Fact]
    public async Task AddBulwarkResilience_InvalidOptions_FailValidation()
    {
        var services = new ServiceCollection();
        services.AddBulwarkResilience(Config(("Bulwark:Resilience:Bulkheads:reporting:MaxConcurrency", "0")));
        await using var provider = services.BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<BulkheadOptions>>().Get("reporting"));
    }

    [Fact]
    public async Task ConfigureBulkhead_InCode_OverridesConfiguration()
    {
        var services = new ServiceCollection();
        services.AddBulwarkResilience(Config(("Bulwark:Resilience:Bulkheads:reporting:MaxConcurrency", "8")))
            .ConfigureBulkhead("reporting", o => o.QueueLimit = 3)
            .AddPipeline("reports", o => o.Bulkhead = "reporting");
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline("reports");
        var options = provider.GetRequiredService<BulkheadRegistry>().Get("reporting").Options;
        Assert.Equal(8, options.MaxConcurrency);
        Assert.Equal(3, options.QueueLimit);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Yield();
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        Assert.True(condition(), "the attempt never started");
    }
}
