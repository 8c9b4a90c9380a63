using System.Diagnostics;
using Bulwark.ControlRoom.Hosting;
using Bulwark.ControlRoom.Traces;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Bulwark.ControlRoom.Tests.Traces;

/// <summary>The tail-keeping rule: failed or slow traces are kept whole, the rest forgotten, and export is untouched.</summary>
public sealed class TailKeepingListenerTests
{
    // A source of this class only, so listeners of other tests (and their shops) never see these spans as theirs.
    private static readonly ActivitySource Source = new("Bulwark.ControlRoom.Tests.Tail");

    [Fact]
    public async Task LocalRoot_WithAFailedChild_IsKeptWithEverySpan()
    {
        var (listener, store) = await StartAsync();
        using (listener)
        {
            var traceId = RunTrace(childFails: true, rootDuration: TimeSpan.FromMilliseconds(5));

            var kept = store.Find(traceId);
            Assert.NotNull(kept);
            Assert.Equal("error", kept.Reason);
            Assert.Equal(["root", "child"], kept.Spans.Select(s => s.Name));
            Assert.True(kept.Spans.Single(s => s.Name == "child").Failed);
            Assert.Equal(kept.Spans.Single(s => s.Name == "root").SpanId, kept.Spans.Single(s => s.Name == "child").ParentSpanId);
        }
    }

    [Fact]
    public async Task LocalRoot_FastAndSuccessful_IsForgotten()
    {
        var (listener, store) = await StartAsync();
        using (listener)
        {
            var traceId = RunTrace(childFails: false, rootDuration: TimeSpan.FromMilliseconds(5));

            Assert.Null(store.Find(traceId));
            Assert.Equal(0, store.Count);
        }
    }

    [Fact]
    public async Task LocalRoot_AtTheSlowThreshold_IsKeptAsSlow()
    {
        var (listener, store) = await StartAsync(slow: TimeSpan.FromMilliseconds(500));
        using (listener)
        {
            var traceId = RunTrace(childFails: false, rootDuration: TimeSpan.FromMilliseconds(500));

            Assert.Equal("slow", store.Find(traceId)?.Reason);
        }
    }

    [Fact]
    public async Task HeadSamplerDropsTheTrace_NothingIsExported_ButTheFailedTraceIsKept()
    {
        var exported = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(Source.Name)
            .SetSampler(new AlwaysOffSampler())
            .AddInMemoryExporter(exported)
            .Build();
        var (listener, store) = await StartAsync();
        using (listener)
        {
            var traceId = RunTrace(childFails: true, rootDuration: TimeSpan.FromMilliseconds(5));
            tracing.ForceFlush();

            Assert.NotNull(store.Find(traceId));
            // The listener asked for data, never for the Recorded flag: the exporter still sees only what the sampler kept.
            Assert.DoesNotContain(exported, a => a.TraceId.ToHexString() == traceId);
        }
    }

    [Fact]
    public async Task HeadSamplerKeepsTheTrace_ItIsExportedAsBefore()
    {
        var exported = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(Source.Name)
            .SetSampler(new AlwaysOnSampler())
            .AddInMemoryExporter(exported)
            .Build();
        var (listener, _) = await StartAsync();
        using (listener)
        {
            var traceId = RunTrace(childFails: false, rootDuration: TimeSpan.FromMilliseconds(5));
            tracing.ForceFlush();

            Assert.Equal(2, exported.Count(a => a.TraceId.ToHexString() == traceId));
        }
    }

    [Fact]
    public async Task ManyParallelTraces_EveryFailedOneIsKeptWhole_AndEveryGoodOneForgotten()
    {
        var (listener, store) = await StartAsync(maxTraces: 10_000);
        using (listener)
        {
            for (var round = 0; round < 5; round++)
            {
                var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() =>
                {
                    var fails = i % 2 == 0;
                    return (Id: RunTrace(fails, TimeSpan.FromMilliseconds(1)), Fails: fails);
                }, TestContext.Current.CancellationToken)));

                Assert.All(results, r =>
                {
                    var kept = store.Find(r.Id);
                    if (r.Fails)
                    {
                        Assert.NotNull(kept);
                        Assert.Equal(2, kept.Spans.Count);
                    }
                    else
                    {
                        Assert.Null(kept);
                    }
                });
            }

            Assert.Equal(5 * 32, store.Count);
        }
    }

    [Fact]
    public async Task PendingBufferFull_NewTracesAreRefused_NotGrownWithoutBound()
    {
        var (listener, store) = await StartAsync(maxPending: 1);
        using (listener)
        {
            // One trace's child waits for its root, which stays open: the buffer is now full.
            Activity.Current = null;
            using var openRoot = Source.StartActivity("open-root")!;
            using (Source.StartActivity("waiting-child"))
            {
            }

            var refusedBefore = listener.RefusedTraces;
            Activity.Current = null;
            using (var root = Source.StartActivity("second-root")!)
            {
                using (var child = Source.StartActivity("second-child")!)
                {
                    child.SetStatus(ActivityStatusCode.Error);
                }

                root.SetStatus(ActivityStatusCode.Error);
                root.Stop();
                // The root itself still decides: the trace is kept with the spans that fit.
                Assert.Equal(["second-root"], store.Find(root.TraceId.ToHexString())?.Spans.Select(s => s.Name));
            }

            Assert.True(listener.RefusedTraces > refusedBefore);
        }
    }

    private static async Task<(TailKeepingListener Listener, TraceStore Store)> StartAsync(
        TimeSpan? slow = null, int maxTraces = 200, int maxPending = 2048)
    {
        var options = new ControlRoomOptions();
        options.Traces.Sources.Clear();
        options.Traces.Sources.Add(Source.Name);
        options.Traces.SlowThreshold = slow ?? TimeSpan.FromSeconds(1);
        options.Traces.MaxTraces = maxTraces;
        options.Traces.MaxPendingTraces = maxPending;
        var wrapped = Options.Create(options);
        var store = new TraceStore(wrapped);
        var listener = new TailKeepingListener(store, wrapped, new FakeTimeProvider());
        await listener.StartAsync(TestContext.Current.CancellationToken);
        return (listener, store);
    }

    // A root with one child; durations are set explicitly, so no test waits for time to pass.
    private static string RunTrace(bool childFails, TimeSpan rootDuration)
    {
        Activity.Current = null;
        var start = new DateTime(2026, 12, 6, 4, 0, 0, DateTimeKind.Utc);
        using var root = Source.StartActivity("root")!;
        root.SetStartTime(start);
        using (var child = Source.StartActivity("child")!)
        {
            child.SetStartTime(start.AddMilliseconds(1));
            child.SetEndTime(start.AddMilliseconds(2));
            if (childFails)
            {
                child.SetStatus(ActivityStatusCode.Error, "refused");
            }
        }

        root.SetEndTime(start + rootDuration);
        root.Stop();
        return root.TraceId.ToHexString();
    }
}
