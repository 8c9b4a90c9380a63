using Bulwark.Drills.Load;

namespace Bulwark.Drills.Timeline;

/// <summary>
/// Records a drill run as it happens — every request the load generator finishes, every fault switched, every phase —
/// for live progress (<see cref="Progress"/>) and the report's charts (<see cref="ToTimeline"/>). Thread-safe: load
/// workers record concurrently while the console reads progress.
/// </summary>
public sealed class DrillRecorder
{
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private readonly List<(double StartSeconds, double LatencyMs, bool Answered, bool Error)> _requests = [];
    private readonly List<FaultWindow> _faults = [];
    private readonly List<PhaseMark> _phases = [];
    private long _started;
    private int _count;
    private int _errors;

    /// <summary>Creates a recorder; its clock starts now and again at <see cref="Restart"/>.</summary>
    public DrillRecorder(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _started = timeProvider.GetTimestamp();
    }

    /// <summary>Forgets everything and starts the clock again (one recorder can serve drills run one after another).</summary>
    public void Restart()
    {
        lock (_gate)
        {
            _requests.Clear();
            _faults.Clear();
            _phases.Clear();
            _count = 0;
            _errors = 0;
            _started = _timeProvider.GetTimestamp();
        }
    }

    /// <summary>What a progress display shows: the phase, the time since the start, requests and errors so far, faults on now.</summary>
    public DrillProgress Progress
    {
        get
        {
            lock (_gate)
            {
                return new DrillProgress(
                    _phases.Count == 0 ? "starting" : _phases[^1].Name,
                    _timeProvider.GetElapsedTime(_started),
                    _count,
                    _errors,
                    [.. _faults.Where(f => f.EndSeconds is null).Select(f => f.Name)]);
            }
        }
    }

    /// <summary>Records a finished request; <see cref="LoadSample.Latency"/> before now is when it started.</summary>
    public void Record(LoadSample sample) =>
        Record(sample.Latency, sample.Failure is not LoadFailure.Dropped, sample.IsError);

    /// <summary>Records a finished request a drill sent itself (not through the load generator).</summary>
    /// <param name="latency">How long it took; it started that long before now.</param>
    /// <param name="answered">Whether it was sent and got an answer or a failure (false: dropped, never sent).</param>
    /// <param name="error">Whether it counts as an error (no response, 5xx, or the drill's own notion of failure).</param>
    public void Record(TimeSpan latency, bool answered, bool error)
    {
        lock (_gate)
        {
            var start = (_timeProvider.GetElapsedTime(_started) - latency).TotalSeconds;
            _requests.Add((Math.Max(0, start), latency.TotalMilliseconds, answered, error));
            _count++;
            _errors += error ? 1 : 0;
        }
    }

    /// <summary>Marks the start of a phase.</summary>
    public void Phase(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (_gate)
        {
            _phases.Add(new PhaseMark(name, Now()));
        }
    }

    /// <summary>Marks a fault as injected (a second call for a fault already on changes nothing).</summary>
    public void FaultOn(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (_gate)
        {
            if (!_faults.Exists(f => f.Name == name && f.EndSeconds is null))
            {
                _faults.Add(new FaultWindow(name, Now(), null));
            }
        }
    }

    /// <summary>Marks every open fault whose name starts with <paramref name="prefix"/> as removed.</summary>
    public void FaultOff(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        lock (_gate)
        {
            var now = Now();
            for (var i = 0; i < _faults.Count; i++)
            {
                if (_faults[i].EndSeconds is null && _faults[i].Name.StartsWith(prefix, StringComparison.Ordinal))
                {
                    _faults[i] = _faults[i] with { EndSeconds = now };
                }
            }
        }
    }

    /// <summary>The run so far as buckets of <paramref name="bucketSeconds"/> (at most 600 buckets: wider ones for long runs).</summary>
    public DrillTimeline ToTimeline(double bucketSeconds = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bucketSeconds);
        lock (_gate)
        {
            var total = Now();
            var width = Math.Max(bucketSeconds, Math.Ceiling(total / 600));
            var count = (int)Math.Floor(total / width) + 1;
            var buckets = new List<TimelineBucket>(count);
            var grouped = _requests.ToLookup(r => Math.Min(count - 1, (int)Math.Floor(r.StartSeconds / width)));
            for (var i = 0; i < count; i++)
            {
                var inBucket = grouped[i].ToList();
                var latencies = inBucket.Where(r => r.Answered).Select(r => r.LatencyMs).Order().ToArray();
                buckets.Add(new TimelineBucket(
                    i * width,
                    inBucket.Count,
                    inBucket.Count(r => r.Error),
                    Rank(latencies, 0.50),
                    Rank(latencies, 0.99),
                    latencies.Length == 0 ? 0 : latencies[^1]));
            }

            return new DrillTimeline(width, total, buckets, [.. _faults], [.. _phases]);
        }
    }

    private static double Rank(double[] sorted, double quantile) =>
        sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)], 2);

    private double Now() => _timeProvider.GetElapsedTime(_started).TotalSeconds;
}

/// <summary>A drill's progress at one moment.</summary>
/// <param name="Phase">The current phase.</param>
/// <param name="Elapsed">Time since the drill started.</param>
/// <param name="Requests">Requests finished so far.</param>
/// <param name="Errors">Of them, errors.</param>
/// <param name="FaultsOn">The faults injected now.</param>
public sealed record DrillProgress(string Phase, TimeSpan Elapsed, int Requests, int Errors, IReadOnlyList<string> FaultsOn);
