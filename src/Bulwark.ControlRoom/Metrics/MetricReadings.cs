using System.Diagnostics.Metrics;
using System.Globalization;
using Bulwark.ControlRoom.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.ControlRoom.Metrics;

/// <summary>
/// Reads the process's own instruments (meters matching <see cref="ControlRoomOptions.MeterPrefixes"/>) with a
/// <see cref="MeterListener"/>: counters summed since start, gauges at their last observation, histograms as count, mean
/// and last. Breaker transitions are also kept as a short history. Nothing is exported; the exporters are untouched.
/// </summary>
public sealed class MetricReadings : IDisposable
{
    private const string TransitionsInstrument = "bulwark.circuit_breaker.transitions";
    private const int TransitionHistory = 50;

    private readonly MeterListener _listener = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Instrument, string Tags), Reading> _readings = [];
    private readonly LinkedList<BreakerTransition> _transitions = new();
    private readonly TimeProvider _timeProvider;
    private readonly string[] _prefixes;

    /// <summary>Starts listening.</summary>
    /// <param name="options">Which meters.</param>
    /// <param name="timeProvider">Stamps breaker transitions.</param>
    public MetricReadings(IOptions<ControlRoomOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _timeProvider = timeProvider;
        _prefixes = [.. options.Value.MeterPrefixes];
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_prefixes.Any(p => instrument.Meter.Name.StartsWith(p, StringComparison.Ordinal)))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<float>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    /// <summary>Every reading of <paramref name="instrument"/> (one per tag set), after observing the gauges afresh.</summary>
    /// <param name="instrument">The instrument name, e.g. <c>bulwark.outbox.backlog</c>.</param>
    /// <returns>The readings; empty when the instrument never reported.</returns>
    public IReadOnlyList<MetricReading> Read(string instrument)
    {
        _listener.RecordObservableInstruments();
        lock (_lock)
        {
            return [.. _readings.Where(r => r.Key.Instrument == instrument).Select(r => r.Value.Snapshot(r.Key.Instrument))];
        }
    }

    /// <summary>Every reading of every instrument whose meter starts with <paramref name="meterPrefix"/>.</summary>
    /// <param name="meterPrefix">The meter name prefix, e.g. <c>Shop.</c>.</param>
    /// <returns>The readings, by instrument name.</returns>
    public IReadOnlyList<MetricReading> ReadMeter(string meterPrefix)
    {
        _listener.RecordObservableInstruments();
        lock (_lock)
        {
            return [.. _readings.Where(r => r.Value.Meter.StartsWith(meterPrefix, StringComparison.Ordinal))
                .OrderBy(r => r.Key.Instrument, StringComparer.Ordinal).ThenBy(r => r.Key.Tags, StringComparer.Ordinal)
                .Select(r => r.Value.Snapshot(r.Key.Instrument))];
        }
    }

    /// <summary>The most recent breaker state changes, newest first (at most 50).</summary>
    /// <returns>The transitions.</returns>
    public IReadOnlyList<BreakerTransition> BreakerTransitions()
    {
        lock (_lock)
        {
            return [.. _transitions];
        }
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var tagList = new List<KeyValuePair<string, string>>(tags.Length);
        foreach (var tag in tags)
        {
            tagList.Add(new(tag.Key, Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty));
        }

        tagList.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        var key = (instrument.Name, string.Join(',', tagList.Select(t => $"{t.Key}={t.Value}")));
        var kind = instrument switch
        {
            Counter<long> or Counter<int> or Counter<double> or UpDownCounter<long> or UpDownCounter<int> or UpDownCounter<double> => ReadingKind.Sum,
            Histogram<long> or Histogram<int> or Histogram<double> or Histogram<float> => ReadingKind.Distribution,
            _ => ReadingKind.Last,
        };
        lock (_lock)
        {
            if (!_readings.TryGetValue(key, out var reading))
            {
                _readings[key] = reading = new Reading(instrument.Meter.Name, instrument.Unit, kind, tagList);
            }

            reading.Add(value);
            if (instrument.Name == TransitionsInstrument)
            {
                var breaker = tagList.Find(t => t.Key == "bulwark.breaker").Value ?? "?";
                var state = tagList.Find(t => t.Key == "bulwark.breaker.state").Value ?? "?";
                _transitions.AddFirst(new BreakerTransition(breaker, state, _timeProvider.GetUtcNow()));
                if (_transitions.Count > TransitionHistory)
                {
                    _transitions.RemoveLast();
                }
            }
        }
    }

    private enum ReadingKind
    {
        Sum,
        Last,
        Distribution,
    }

    private sealed class Reading(string meter, string? unit, ReadingKind kind, IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        private double _value;
        private double _sum;
        private double _max;
        private long _count;

        public string Meter { get; } = meter;

        public void Add(double value)
        {
            _count++;
            _sum += value;
            _max = _count == 1 ? value : Math.Max(_max, value);
            _value = kind == ReadingKind.Sum ? _value + value : value;
        }

        public MetricReading Snapshot(string instrument) => new(
            instrument, unit, tags, _value, kind == ReadingKind.Distribution ? _count : null,
            kind == ReadingKind.Distribution && _count > 0 ? _sum / _count : null, kind == ReadingKind.Distribution ? _max : null);
    }
}

/// <summary>One instrument's reading for one tag set.</summary>
/// <param name="Instrument">The instrument name.</param>
/// <param name="Unit">Its unit, if any.</param>
/// <param name="Tags">The tags, sorted by key.</param>
/// <param name="Value">Counters: the sum since start; gauges: the last observation; histograms: the last recording.</param>
/// <param name="Count">Histograms: how many recordings.</param>
/// <param name="Mean">Histograms: their mean.</param>
/// <param name="Max">Histograms: the largest.</param>
public sealed record MetricReading(
    string Instrument, string? Unit, IReadOnlyList<KeyValuePair<string, string>> Tags, double Value, long? Count, double? Mean, double? Max)
{
    /// <summary>The value of tag <paramref name="key"/>, or <see langword="null"/>.</summary>
    /// <param name="key">The tag key.</param>
    /// <returns>The value.</returns>
    public string? Tag(string key) => Tags.FirstOrDefault(t => t.Key == key).Value;
}

/// <summary>A breaker moved to <paramref name="State"/> at <paramref name="At"/>.</summary>
/// <param name="Breaker">The breaker's name.</param>
/// <param name="State">The state it moved to.</param>
/// <param name="At">When the page's process saw it.</param>
public sealed record BreakerTransition(string Breaker, string State, DateTimeOffset At);
