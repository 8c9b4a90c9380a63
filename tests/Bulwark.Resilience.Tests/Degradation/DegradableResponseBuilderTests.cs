using Bulwark.Resilience.CircuitBreaker;
using Bulwark.Resilience.Deadlines;
using Bulwark.Resilience.Degradation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace Bulwark.Resilience.Tests.Degradation;

public sealed class DegradableResponseBuilderTests
{
    private readonly FakeTimeProvider _time = new();

    private ResponseComposer Composer() => new(_time, new StaticMonitor(new DegradationOptions { OptionalPartTimeout = TimeSpan.FromMilliseconds(300) }), NullLogger<ResponseComposer>.Instance);

    [Fact]
    public async Task CompleteAsync_OptionalPartThrows_LeavesItOutAndNamesIt()
    {
        using var page = Composer().Begin("product-page", TestContext.Current.CancellationToken);
        var details = page.Critical("details", _ => Task.FromResult("Kettle"));
        var reviews = page.Optional("reviews", _ => Task.FromResult(new[] { "great" }));
        var recommendations = page.Optional<string[]>("recommendations", _ => throw new HttpRequestException("engine down"));

        var degraded = await page.CompleteAsync();

        Assert.Equal(["recommendations"], degraded);
        Assert.Equal("Kettle", details.Value);
        Assert.Equal(["great"], reviews.Value!);
        Assert.True(recommendations.IsDegraded);
        Assert.Null(recommendations.Value);
    }

    [Fact]
    public async Task CompleteAsync_OptionalPartTooSlow_IsLeftOutAtItsTimeoutAndServedFromFallback()
    {
        using var page = Composer().Begin("product-page", TestContext.Current.CancellationToken);
        var hang = new TaskCompletionSource<string[]>();
        page.Critical("details", _ => Task.FromResult("Kettle"));
        var recommendations = page.Optional("recommendations", _ => hang.Task, _ => ValueTask.FromResult<string[]?>(["cached-teapot"]));

        var completion = page.CompleteAsync();
        Assert.False(completion.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(300));
        var degraded = await completion;

        Assert.Equal(["recommendations"], degraded);
        Assert.True(recommendations.IsFallback);
        Assert.Equal(["cached-teapot"], recommendations.Value!);
    }

    [Fact]
    public async Task CompleteAsync_OptionalPartBehindOpenBreaker_DegradesWithoutCallingIt()
    {
        var breaker = new BulwarkCircuitBreaker("recs", new() { FailureThreshold = 1 }, _time);
        breaker.Isolate();
        var pipeline = new ResiliencePipelineBuilder().AddBulwarkCircuitBreaker(breaker).Build();
        var called = false;
        using var page = Composer().Begin("product-page", TestContext.Current.CancellationToken);
        page.Critical("details", _ => Task.FromResult(1));
        page.Optional("recommendations", ct => pipeline.ExecuteAsync(_ => { called = true; return ValueTask.FromResult(1); }, ct).AsTask());

        Assert.Equal(["recommendations"], await page.CompleteAsync());
        Assert.False(called);
    }

    [Fact]
    public async Task CompleteAsync_CriticalPartFails_FailsTheWholeResponseAndCancelsTheRest()
    {
        using var page = Composer().Begin("product-page", TestContext.Current.CancellationToken);
        var optionalToken = CancellationToken.None;
        page.Optional("reviews", async ct => { optionalToken = ct; await Task.Delay(Timeout.Infinite, ct); return 1; });
        page.Critical<int>("stock", _ => throw new InvalidOperationException("inventory down"));

        var error = await Assert.ThrowsAsync<CriticalPartFailedException>(page.CompleteAsync);
        Assert.Equal("stock", error.Part);
        Assert.True(optionalToken.CanBeCanceled, "token captured");
        Assert.True(optionalToken.IsCancellationRequested);
    }

    [Fact]
    public async Task CompleteAsync_DeadlineShorterThanPartTimeout_OptionalPartGivesUpAtTheDeadline()
    {
        using var scope = DeadlineContext.Begin(Deadline.After(TimeSpan.FromMilliseconds(100), _time), _time, CancellationToken.None);
        using var page = Composer().Begin("product-page", TestContext.Current.CancellationToken);
        page.Critical("details", _ => Task.FromResult(1));
        page.Optional("reviews", _ => new TaskCompletionSource<int>().Task);

        var completion = page.CompleteAsync();
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(["reviews"], await completion.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
    }

    private sealed class StaticMonitor(DegradationOptions value) : IOptionsMonitor<DegradationOptions>
    {
        public DegradationOptions CurrentValue => value;

        public DegradationOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<DegradationOptions, string?> listener) => null;
    }
}
