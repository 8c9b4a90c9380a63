using System.Diagnostics.Metrics;
using Bulwark.Resilience.Bulkhead;
using Polly;

namespace Bulwark.Resilience.Tests.Bulkhead;

public sealed class BulkheadCompartmentTests
{
    private static ResiliencePipeline Pipeline(BulkheadCompartment compartment) =>
        new ResiliencePipelineBuilder().AddBulwarkBulkhead(compartment).Build();

    [Fact]
    public async Task Execute_FullCompartment_RefusesAtOnceWithCompartmentAndRetryAfter()
    {
        using var reporting = new BulkheadCompartment("reporting", new() { MaxConcurrency = 2, RetryAfter = TimeSpan.FromSeconds(3) });
        var pipeline = Pipeline(reporting);
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = Enumerable.Range(0, 2).Select(_ => pipeline.ExecuteAsync(async _ => await hold.Task, TestContext.Current.CancellationToken).AsTask()).ToArray();

        var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);
        var refused = await pipeline.ExecuteOutcomeAsync((_, _) => Outcome.FromResultAsValueTask(1), context, 0);

        var error = Assert.IsType<BulkheadRejectedException>(refused.Exception);
        Assert.Equal("reporting", error.Compartment);
        Assert.Equal(TimeSpan.FromSeconds(3), error.RetryAfter);
        Assert.Equal(2, reporting.InUseCount);
        hold.SetResult();
        await Task.WhenAll(running);
        Assert.Equal(0, reporting.InUseCount);
    }

    [Fact]
    public async Task Execute_OneCompartmentSaturated_AnotherStillRunsEveryCall()
    {
        for (var iteration = 0; iteration < 5; iteration++)
        {
            using var reporting = new BulkheadCompartment("reporting", new() { MaxConcurrency = 4, QueueLimit = 4 });
            using var catalog = new BulkheadCompartment("catalog", new() { MaxConcurrency = 8 });
            var reports = Pipeline(reporting);
            var products = Pipeline(catalog);
            var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            // 50 slow reports: 4 run, 4 wait, 42 are refused.
            var reportCalls = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
            {
                var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);
                return await reports.ExecuteOutcomeAsync(async (_, _) => { await hold.Task; return Outcome.FromResult(1); }, context, 0);
            })).ToArray();
            while (reporting.InUseCount < 4 || reporting.QueuedCount < 4 || reportCalls.Count(c => c.IsCompleted) < 42)
            {
                await Task.Delay(1, TestContext.Current.CancellationToken);
            }

            // Catalogue traffic, 8 at a time, all admitted while reporting is saturated.
            var catalogCalls = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);
                return await products.ExecuteOutcomeAsync((_, _) => Outcome.FromResultAsValueTask(1), context, 0);
            })).ToArray();
            var catalogOutcomes = await Task.WhenAll(catalogCalls);
            Assert.All(catalogOutcomes, o => Assert.Null(o.Exception));

            hold.SetResult();
            var reportOutcomes = await Task.WhenAll(reportCalls);
            Assert.Equal(8, reportOutcomes.Count(o => o.Exception is null));
            Assert.Equal(42, reportOutcomes.Count(o => o.Exception is BulkheadRejectedException));
        }
    }

    [Fact]
    public async Task Metrics_ReportOccupancyAndRejections()
    {
        var name = $"metered-{Guid.NewGuid():N}";
        using var compartment = new BulkheadCompartment(name, new() { MaxConcurrency = 1 });
        long inUse = -1, rejections = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Bulwark.Resilience" && instrument.Name.StartsWith("bulwark.bulkhead.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Value as string != name)
                {
                    continue;
                }

                if (instrument.Name == "bulwark.bulkhead.in_use")
                {
                    inUse = value;
                }
                else if (instrument.Name == "bulwark.bulkhead.rejections")
                {
                    rejections += value;
                }
            }
        });
        listener.Start();

        using var held = await compartment.AcquireAsync(TestContext.Current.CancellationToken);
        using var refused = await compartment.AcquireAsync(TestContext.Current.CancellationToken);
        listener.RecordObservableInstruments();

        Assert.False(refused.IsAcquired);
        Assert.Equal(1, inUse);
        Assert.Equal(1, rejections);
    }
}
