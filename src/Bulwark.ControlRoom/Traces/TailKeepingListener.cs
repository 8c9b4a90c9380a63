using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Bulwark.ControlRoom.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.ControlRoom.Traces;

/// <summary>
/// Feeds <see cref="TraceStore"/>: an <see cref="ActivityListener"/> asks for every activity's data (never for it to be
/// recorded, so OpenTelemetry's head sampler still alone decides what is exported), buffers a trace's spans until its
/// local root span ends, then keeps the trace when a span failed or the root was slow and forgets it otherwise.
/// </summary>
/// <remarks>
/// Asking for data makes ASP.NET Core and HttpClient create an activity for every request even when the head sampler
/// would drop it: a few allocations per request, the price of being able to look at any failed request afterwards.
/// </remarks>
public sealed class TailKeepingListener : IHostedService, IDisposable
{
    private static readonly TimeSpan OrphanAge = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, PendingTrace> _pending = new(StringComparer.Ordinal);
    private readonly TraceStore _store;
    private readonly TraceKeepingOptions _options;
    private readonly TimeProvider _timeProvider;
    private ActivityListener? _listener;
    private long _refused;

    /// <summary>Creates the listener; it starts with the host.</summary>
    /// <param name="store">Where kept traces go.</param>
    /// <param name="options">The keeping rule and bounds.</param>
    /// <param name="timeProvider">Ages buffered traces.</param>
    public TailKeepingListener(TraceStore store, IOptions<ControlRoomOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options.Value.Traces;
        _timeProvider = timeProvider;
    }

    /// <summary>Traces not recorded because <see cref="TraceKeepingOptions.MaxPendingTraces"/> were already buffered.</summary>
    public long RefusedTraces => Interlocked.Read(ref _refused);

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return Task.CompletedTask;
        }

        var sources = _options.Sources.ToArray();
        _listener = new ActivityListener
        {
            ShouldListenTo = source => sources.Any(p => source.Name.StartsWith(p, StringComparison.Ordinal)),
            // AllData, not AllDataAndRecorded: the Recorded flag (what exporters and downstream services honour) stays the
            // head sampler's decision.
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            SampleUsingParentId = static (ref ActivityCreationOptions<string> _) => ActivitySamplingResult.AllData,
            ActivityStopped = OnStopped,
        };
        ActivitySource.AddActivityListener(_listener);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _listener?.Dispose();
        _listener = null;
    }

    private void OnStopped(Activity activity)
    {
        var traceId = activity.TraceId.ToHexString();
        var span = ToRecord(activity);
        if (activity.Parent is not null)
        {
            // A child: buffered until its local root ends, or added to a trace already kept.
            if (!_store.TryAppend(traceId, span) && FindOrStart(traceId) is { } buffer)
            {
                buffer.Add(span, _options.MaxSpansPerTrace);
            }

            return;
        }

        _pending.TryRemove(traceId, out var pending);
        var (spans, dropped) = pending?.Drain() ?? ([], 0);
        spans.Add(span);
        var failed = spans.Exists(s => s.Failed);
        if (failed || span.Duration >= _options.SlowThreshold)
        {
            _store.Keep(new KeptTrace(traceId, failed ? "error" : "slow", span.Name, span.Duration, _timeProvider.GetUtcNow(), spans, dropped));
        }
        else
        {
            // A second local root of a trace kept earlier in this process (a consumer continuing a failed request).
            foreach (var s in spans)
            {
                _store.TryAppend(traceId, s);
            }
        }
    }

    private PendingTrace? FindOrStart(string traceId)
    {
        if (_pending.TryGetValue(traceId, out var existing))
        {
            return existing;
        }

        if (_pending.Count >= _options.MaxPendingTraces)
        {
            // Roots that never end (or children that outlive theirs) must not hold the buffer forever.
            var cutoff = _timeProvider.GetUtcNow() - OrphanAge;
            foreach (var (id, old) in _pending)
            {
                if (old.Started < cutoff)
                {
                    _pending.TryRemove(id, out _);
                }
            }

            if (_pending.Count >= _options.MaxPendingTraces)
            {
                Interlocked.Increment(ref _refused);
                return null;
            }
        }

        return _pending.GetOrAdd(traceId, static (_, now) => new PendingTrace(now), _timeProvider.GetUtcNow());
    }

    private static SpanRecord ToRecord(Activity activity)
    {
        var status = activity.GetTagItem("http.response.status_code");
        var failed = activity.Status == ActivityStatusCode.Error
            || activity.GetTagItem("error.type") is not null
            || (activity.Kind == ActivityKind.Server && status is IConvertible code && code.ToInt32(CultureInfo.InvariantCulture) >= 500);
        var description = activity.StatusDescription
            ?? (activity.GetTagItem("error.type") is { } error ? Convert.ToString(error, CultureInfo.InvariantCulture) : null)
            ?? (status is null ? null : "HTTP " + Convert.ToString(status, CultureInfo.InvariantCulture));
        var parent = activity.ParentSpanId == default ? null : activity.ParentSpanId.ToHexString();
        return new SpanRecord(
            activity.SpanId.ToHexString(), parent, activity.DisplayName, activity.Source.Name, activity.Kind,
            activity.StartTimeUtc, activity.Duration, failed, description);
    }

    private sealed class PendingTrace(DateTimeOffset started)
    {
        private readonly Lock _lock = new();
        private readonly List<SpanRecord> _spans = [];
        private int _dropped;

        public DateTimeOffset Started { get; } = started;

        public void Add(SpanRecord span, int limit)
        {
            lock (_lock)
            {
                if (_spans.Count < limit)
                {
                    _spans.Add(span);
                }
                else
                {
                    _dropped++;
                }
            }
        }

        public (List<SpanRecord> Spans, int Dropped) Drain()
        {
            lock (_lock)
            {
                return ([.. _spans], _dropped);
            }
        }
    }
}
