using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.CircuitBreaker;
using Bulwark.Resilience.Deadlines;
using Bulwark.Resilience.Degradation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace Bulwark.Resilience.Tests.Issues;

/// <summary>Issue 10, item 7: a page without an optional part names it, whatever cut the part short.</summary>
public sealed class Issue10DegradedPartIsNamedTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Optional_TwentyRoundsCutByDeadlineTimerBreakerOrBulkhead_EveryPageWithoutThePartNamesIt()
    {
        var composer = new ResponseComposer(_time, new StaticMonitor(new DegradationOptions { OptionalPartTimeout = TimeSpan.FromMilliseconds(400) }), NullLogger<ResponseComposer>.Instance);
        var breaker = new BulwarkCircuitBreaker("recommendations", new() { FailureThreshold = 1 }, _time);
        breaker.Isolate();
        using var compartment = new BulkheadCompartment("recommendations", new() { MaxConcurrency = 1 });
        using var held = await compartment.AcquireAsync(Ct);
        var open = new ResiliencePipelineBuilder().AddBulwarkCircuitBreaker(breaker).Build();
        var full = new ResiliencePipelineBuilder().AddBulwarkBulkhead(compartment).Build();
        var causes = new List<string>();

        for (var round = 0; round < 20; round++)
        {
            using var request = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            // The shop's 200 ms X-Deadline; the part's own timer is clamped to it, so both fire at the same instant.
            using var deadline = DeadlineContext.Begin(Deadline.After(TimeSpan.FromMilliseconds(200), _time), _time, request.Token);
            using var page = composer.Begin("product-page", deadline.Token);
            page.Critical("details", _ => Task.FromResult("Kettle"));
            Func<CancellationToken, Task<int[]>> slow = async ct =>
            {
                await Task.Delay(TimeSpan.FromSeconds(5), _time, ct);
                return [7];
            };
            var (cause, fetch, timeout) = (round % 5) switch
            {
                0 => ("request deadline and own timer together", slow, (TimeSpan?)null),
                1 => ("own timer first", slow, TimeSpan.FromMilliseconds(100)),
                2 => ("request cancelled first", slow, null),
                3 => ("open breaker", ct => open.ExecuteAsync(async c => await slow(c), ct).AsTask(), null),
                _ => ("full bulkhead", ct => full.ExecuteAsync(async c => await slow(c), ct).AsTask(), null),
            };
            var part = page.Optional("recommendations", fetch, ct => ct.IsCancellationRequested ? ValueTask.FromCanceled<int[]?>(ct) : ValueTask.FromResult<int[]?>(null), timeout);

            var completion = page.CompleteAsync();
            if (round % 5 == 2)
            {
                await request.CancelAsync();
            }

            _time.Advance(TimeSpan.FromMilliseconds(200));
            var degraded = await completion;

            Assert.Null(part.Value);
            Assert.True(degraded.Contains("recommendations"), $"Round {round} ({cause}): the page lacks recommendations but names [{string.Join(", ", degraded)}].");
            Assert.True(part.IsDegraded);
            causes.Add(cause);
        }

        Assert.Equal(5, causes.Distinct().Count());
    }

    private sealed class StaticMonitor(DegradationOptions value) : IOptionsMonitor<DegradationOptions>
    {
        public DegradationOptions CurrentValue => value;

        public DegradationOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<DegradationOptions, string?> listener) => null;
    }
}
