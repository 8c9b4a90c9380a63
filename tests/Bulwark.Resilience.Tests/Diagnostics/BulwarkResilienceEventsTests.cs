using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.CircuitBreaker;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Telemetry;

namespace Bulwark.Resilience.Tests.Diagnostics;

public sealed class BulwarkResilienceEventsTests
{
    [Fact]
    public async Task Refusals_AreReportedThroughPollyTelemetry()
    {
        var listener = new RecordingListener();
        var breaker = new BulwarkCircuitBreaker("payments", new());
        breaker.Isolate();
        using var full = new BulkheadCompartment("reporting", new() { MaxConcurrency = 1 });
        using var held = await full.AcquireAsync(TestContext.Current.CancellationToken);

        var telemetry = new TelemetryOptions { LoggerFactory = NullLoggerFactory.Instance };
        telemetry.TelemetryListeners.Add(listener);
        var breakerPipeline = new ResiliencePipelineBuilder().AddBulwarkCircuitBreaker(breaker).ConfigureTelemetry(telemetry).Build();
        var bulkheadPipeline = new ResiliencePipelineBuilder().AddBulwarkBulkhead(full).ConfigureTelemetry(telemetry).Build();

        var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);
        await breakerPipeline.ExecuteOutcomeAsync((_, _) => Outcome.FromResultAsValueTask(1), context, 0);
        await bulkheadPipeline.ExecuteOutcomeAsync((_, _) => Outcome.FromResultAsValueTask(1), context, 0);

        Assert.Contains("OnBulwarkCircuitRejected", listener.Events);
        Assert.Contains("OnBulwarkBulkheadRejected", listener.Events);
    }

    private sealed class RecordingListener : TelemetryListener
    {
        public List<string> Events { get; } = [];

        public override void Write<TResult, TArgs>(in TelemetryEventArguments<TResult, TArgs> args) => Events.Add(args.Event.EventName);
    }
}
