using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.CircuitBreaker;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace Bulwark.Resilience.Tests.CircuitBreaker;

public sealed class CircuitBreakerBuilderExtensionsTests
{
    [Fact]
    public async Task AddFallbackWhenRefused_OpenBreaker_ServesTheCachedValue()
    {
        var breaker = new BulwarkCircuitBreaker("recommendations", new() { FailureThreshold = 1 }, new FakeTimeProvider());
        var pipeline = new ResiliencePipelineBuilder<string[]>()
            .AddFallbackWhenRefused(_ => ValueTask.FromResult<string[]>(["cached"]))
            .AddBulwarkCircuitBreaker(breaker)
            .Build();

        await Assert.ThrowsAsync<HttpRequestException>(async () => await pipeline.ExecuteAsync<string[]>(_ => throw new HttpRequestException("down"), TestContext.Current.CancellationToken));
        var calls = 0;
        var result = await pipeline.ExecuteAsync(_ => { calls++; return ValueTask.FromResult<string[]>(["live"]); }, TestContext.Current.CancellationToken);

        Assert.Equal(["cached"], result);
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task AddFallbackWhenRefused_RealFailure_IsNotHidden()
    {
        using var compartment = new BulkheadCompartment("x", new());
        var pipeline = new ResiliencePipelineBuilder<int>()
            .AddFallbackWhenRefused(_ => ValueTask.FromResult(-1))
            .AddBulwarkBulkhead(compartment)
            .Build();
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await pipeline.ExecuteAsync<int>(_ => throw new InvalidOperationException(), TestContext.Current.CancellationToken));
    }
}
