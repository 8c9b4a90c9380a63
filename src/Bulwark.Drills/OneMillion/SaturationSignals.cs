using System.Globalization;
using Bulwark.Drills.Load;
using Bulwark.Drills.Metrics;

namespace Bulwark.Drills.OneMillion;

/// <summary>One read of the target's <c>/metrics</c> and readiness during a step.</summary>
/// <param name="At">When, on the drill's clock from the step's start.</param>
/// <param name="CpuSeconds">The process's CPU time so far; null when the metrics did not answer.</param>
/// <param name="CpuCount">The cores the process may use; null when unknown.</param>
/// <param name="ThreadPoolQueue">Work items waiting for a thread-pool thread.</param>
/// <param name="BulkheadRejections">Calls refused by full bulkhead compartments so far.</param>
/// <param name="RateLimitRefusals">Requests refused by rate limits so far.</param>
/// <param name="Ready">Whether readiness answered 2xx; null when it did not answer in time.</param>
public sealed record MetricsReading(TimeSpan At, double? CpuSeconds, double? CpuCount, double? ThreadPoolQueue, double? BulkheadRejections, double? RateLimitRefusals, bool? Ready)
{
    /// <summary>The CPU time counter the target exports (the .NET <c>System.Runtime</c> meter).</summary>
    public const string CpuTimeMetric = "dotnet_process_cpu_time_seconds_total";

    /// <summary>The cores the process may use.</summary>
    public const string CpuCountMetric = "dotnet_process_cpu_count";

    /// <summary>Work items queued in the thread pool.</summary>
    public const string ThreadPoolQueueMetric = "dotnet_thread_pool_queue_length_total";

    /// <summary>Calls refused by full bulkhead compartments (Bulwark.Resilience).</summary>
    public const string BulkheadRejectionsMetric = "bulwark_bulkhead_rejections_total";

    /// <summary>Requests refused by rate limits (Bulwark.Resilience).</summary>
    public const string RateLimitRefusalsMetric = "bulwark_rate_limit_refusals_total";

    /// <summary>Reads the figures out of a Prometheus exposition (null for <paramref name="exposition"/> null: the endpoint did not answer).</summary>
    public static MetricsReading From(TimeSpan at, string? exposition, bool? ready)
    {
        if (exposition is null)
        {
            return new MetricsReading(at, null, null, null, null, null, ready);
        }

        double? Present(string metric) => exposition.Contains(metric, StringComparison.Ordinal) ? PrometheusScrape.Sum(exposition, metric, []) : null;
        return new MetricsReading(
            at,
            Present(CpuTimeMetric),
            Present(CpuCountMetric),
            Present(ThreadPoolQueueMetric),
            PrometheusScrape.Sum(exposition, BulkheadRejectionsMetric, []),
            PrometheusScrape.Sum(exposition, RateLimitRefusalsMetric, []),
            ready);
    }
}

/// <summary>Turns a step's metric reads and latencies into saturation signals, pure so it can be tested without a target.</summary>
public static class SaturationSignals
{
    /// <summary>The components the drill can name.</summary>
    public const string Cpu = "the instance's CPU";

    /// <summary>Requests waiting for a thread.</summary>
    public const string ThreadPool = "the thread pool (requests waiting for a thread)";

    /// <summary>Writes queued for the database (its single writer on SQLite, its connections on PostgreSQL).</summary>
    public const string DatabaseWriter = "the database (writes queue for it while reads stay fast)";

    /// <summary>A bulkhead compartment full.</summary>
    public const string Bulkhead = "a bulkhead compartment (full, calls refused)";

    /// <summary>Rate limits refusing.</summary>
    public const string RateLimit = "a rate limit (requests refused per client)";

    /// <summary>Readiness failing.</summary>
    public const string Readiness = "readiness (the instance asked to be taken out of rotation)";

    /// <summary>
    /// The signals of one step, from <paramref name="readings"/> taken during it (the first before its load) and its
    /// reads' and writes' latencies. A signal whose metric the target does not export is left out.
    /// </summary>
    public static IReadOnlyList<SaturationSignal> Evaluate(IReadOnlyList<MetricsReading> readings, LoadStatistics reads, LoadStatistics writes, OneMillionOptions options)
    {
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentNullException.ThrowIfNull(reads);
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentNullException.ThrowIfNull(options);
        var signals = new List<SaturationSignal>();
        var answered = readings.Where(r => r.CpuSeconds is not null).ToList();
        if (answered.Count >= 2 && answered[^1].CpuCount is > 0 and var cores && answered[^1].At > answered[0].At)
        {
            var share = (answered[^1].CpuSeconds!.Value - answered[0].CpuSeconds!.Value) / ((answered[^1].At - answered[0].At).TotalSeconds * cores);
            signals.Add(new(Cpu, Invariant($"{share:P0} of {cores:0} cores"), Math.Round(share, 3), options.CpuShareLimit, share >= options.CpuShareLimit));
        }

        if (readings.Select(r => r.ThreadPoolQueue).Where(q => q is not null).DefaultIfEmpty(null).Max() is { } queue)
        {
            signals.Add(new(ThreadPool, Invariant($"{queue:0} work items queued at the peak"), queue, options.ThreadPoolQueueLimit, queue >= options.ThreadPoolQueueLimit));
        }

        if (writes.Sent > 0 && reads.Sent > 0)
        {
            var ratio = writes.P99.TotalMilliseconds / Math.Max(1, reads.P99.TotalMilliseconds);
            signals.Add(new(DatabaseWriter, Invariant($"writes p99 {writes.P99.TotalMilliseconds:0} ms vs reads p99 {reads.P99.TotalMilliseconds:0} ms"), Math.Round(ratio, 2), options.WriteQueueFactor,
                ratio >= options.WriteQueueFactor && writes.P99 > options.SloP99));
        }

        AddIncrease(signals, readings, r => r.BulkheadRejections, Bulkhead, "calls refused by full compartments");
        AddIncrease(signals, readings, r => r.RateLimitRefusals, RateLimit, "requests refused");
        // Only when the target was ready before the step's load: a target without the probe is not "not ready".
        var notReady = readings.Skip(1).Count(r => r.Ready is not true);
        if (readings.Count > 1 && readings[0].Ready is true)
        {
            signals.Add(new(Readiness, Invariant($"{notReady} of {readings.Count - 1} readiness reads under load not ready or unanswered"), notReady, 1, notReady >= 1));
        }

        return signals;
    }

    private static void AddIncrease(List<SaturationSignal> signals, IReadOnlyList<MetricsReading> readings, Func<MetricsReading, double?> counter, string component, string what)
    {
        var values = readings.Select(counter).Where(v => v is not null).Select(v => v!.Value).ToList();
        if (values.Count >= 2)
        {
            var increase = values[^1] - values[0];
            signals.Add(new(component, Invariant($"{increase:0} {what}"), increase, 1, increase >= 1));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
