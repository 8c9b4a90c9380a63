using System.Diagnostics;
using Bulwark.ControlRoom.Hosting;
using Bulwark.ControlRoom.Traces;
using Microsoft.Extensions.Options;

namespace Bulwark.ControlRoom.Tests.Traces;

public sealed class TraceStoreTests
{
    [Fact]
    public void Keep_BeyondMaxTraces_DropsTheOldestFirst()
    {
        var store = Store(maxTraces: 3, maxSpans: 10);

        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            store.Keep(Trace(id, spans: 1));
        }

        Assert.Equal(3, store.Count);
        Assert.Null(store.Find("a"));
        Assert.Equal(["d", "c", "b"], store.Recent(10).Select(t => t.TraceId));
    }

    [Fact]
    public void Keep_MoreSpansThanTheLimit_StoresTheLimitAndCountsTheRest()
    {
        var store = Store(maxTraces: 3, maxSpans: 4);

        store.Keep(Trace("a", spans: 6));
        Assert.True(store.TryAppend("a", Span(99)));

        var kept = store.Find("A")!;
        Assert.Equal(4, kept.Spans.Count);
        Assert.Equal(3, kept.DroppedSpans);
    }

    private static TraceStore Store(int maxTraces, int maxSpans)
    {
        var options = new ControlRoomOptions();
        options.Traces.MaxTraces = maxTraces;
        options.Traces.MaxSpansPerTrace = maxSpans;
        return new TraceStore(Options.Create(options));
    }

    private static KeptTrace Trace(string id, int spans) =>
        new(id, "error", "root", TimeSpan.FromMilliseconds(1), DateTimeOffset.UnixEpoch, [.. Enumerable.Range(0, spans).Select(Span)], 0);

    private static SpanRecord Span(int i) =>
        new($"span{i}", null, $"span {i}", "test", ActivityKind.Internal, DateTimeOffset.UnixEpoch.AddMilliseconds(i), TimeSpan.FromMilliseconds(1), false, null);
}
