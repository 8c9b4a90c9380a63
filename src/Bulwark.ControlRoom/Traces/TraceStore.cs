using Bulwark.ControlRoom.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.ControlRoom.Traces;

/// <summary>
/// The bounded in-process store of kept traces: at most <see cref="TraceKeepingOptions.MaxTraces"/>, the oldest dropped
/// first. Thread-safe; spans that end after their trace was kept (late children) are appended within the span limit.
/// </summary>
public sealed class TraceStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, KeptTrace> _traces = new(StringComparer.OrdinalIgnoreCase);
    private readonly LinkedList<string> _order = new();
    private readonly int _maxTraces;
    private readonly int _maxSpans;

    /// <summary>Creates the store.</summary>
    /// <param name="options">Its bounds.</param>
    public TraceStore(IOptions<ControlRoomOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _maxTraces = options.Value.Traces.MaxTraces;
        _maxSpans = options.Value.Traces.MaxSpansPerTrace;
    }

    /// <summary>How many traces are held.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _traces.Count;
            }
        }
    }

    /// <summary>Finds a kept trace by id (case-insensitive).</summary>
    /// <param name="traceId">The trace id.</param>
    /// <returns>The trace, or <see langword="null"/> when it was not kept or has been dropped.</returns>
    public KeptTrace? Find(string traceId)
    {
        ArgumentNullException.ThrowIfNull(traceId);
        lock (_lock)
        {
            return _traces.GetValueOrDefault(traceId.Trim());
        }
    }

    /// <summary>The most recently kept traces, newest first.</summary>
    /// <param name="limit">How many.</param>
    /// <returns>The traces.</returns>
    public IReadOnlyList<KeptTrace> Recent(int limit)
    {
        lock (_lock)
        {
            return [.. _order.Take(limit).Select(id => _traces[id])];
        }
    }

    internal bool Contains(string traceId)
    {
        lock (_lock)
        {
            return _traces.ContainsKey(traceId);
        }
    }

    internal void Keep(KeptTrace trace)
    {
        var spans = trace.Spans.Count > _maxSpans ? trace.Spans.Take(_maxSpans).ToList() : trace.Spans;
        trace = trace with { Spans = [.. spans.OrderBy(s => s.Start)], DroppedSpans = trace.DroppedSpans + (trace.Spans.Count - spans.Count) };
        lock (_lock)
        {
            if (_traces.Remove(trace.TraceId))
            {
                _order.Remove(trace.TraceId);
            }

            _traces[trace.TraceId] = trace;
            _order.AddFirst(trace.TraceId);
            while (_traces.Count > _maxTraces)
            {
                _traces.Remove(_order.Last!.Value);
                _order.RemoveLast();
            }
        }
    }

    internal bool TryAppend(string traceId, SpanRecord span)
    {
        lock (_lock)
        {
            if (!_traces.TryGetValue(traceId, out var trace))
            {
                return false;
            }

            _traces[traceId] = trace.Spans.Count >= _maxSpans
                ? trace with { DroppedSpans = trace.DroppedSpans + 1 }
                : trace with { Spans = [.. trace.Spans.Append(span).OrderBy(s => s.Start)] };
            return true;
        }
    }
}
