namespace Bulwark.Drills.Load;

/// <summary>Figures over a set of load samples. Latency percentiles use the nearest-rank method over sent requests.</summary>
/// <param name="Count">Samples, dropped ones included.</param>
/// <param name="Sent">Requests actually sent.</param>
/// <param name="Errors">Sent requests with no response or a 5xx.</param>
/// <param name="Timeouts">Requests with no full response within the timeout.</param>
/// <param name="TransportErrors">Requests whose connection failed.</param>
/// <param name="Dropped">Open-loop requests never sent because the in-flight cap was reached.</param>
/// <param name="ErrorRate">Errors over sent requests (0 when none were sent).</param>
/// <param name="Throughput">Sent requests per second of the run.</param>
/// <param name="P50">Median latency.</param>
/// <param name="P95">95th percentile latency.</param>
/// <param name="P99">99th percentile latency.</param>
/// <param name="Max">Slowest request.</param>
/// <param name="StatusHistogram">Responses per HTTP status (0 = no response).</param>
public sealed record LoadStatistics(
    int Count,
    int Sent,
    int Errors,
    int Timeouts,
    int TransportErrors,
    int Dropped,
    double ErrorRate,
    double Throughput,
    TimeSpan P50,
    TimeSpan P95,
    TimeSpan P99,
    TimeSpan Max,
    IReadOnlyDictionary<int, int> StatusHistogram)
{
    /// <summary>Statistics of nothing.</summary>
    public static LoadStatistics Empty { get; } = Compute([], TimeSpan.Zero);

    /// <summary>Responses with <paramref name="status"/>.</summary>
    public int CountOf(int status) => StatusHistogram.TryGetValue(status, out var n) ? n : 0;

    /// <summary>Computes the figures over <paramref name="samples"/> taken in <paramref name="elapsed"/>.</summary>
    public static LoadStatistics Compute(IReadOnlyCollection<LoadSample> samples, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var sent = samples.Where(s => s.Failure != LoadFailure.Dropped).ToList();
        var latencies = sent.Select(s => s.Latency).Order().ToArray();
        var histogram = new SortedDictionary<int, int>();
        foreach (var sample in sent)
        {
            histogram[sample.StatusCode] = histogram.GetValueOrDefault(sample.StatusCode) + 1;
        }

        var errors = sent.Count(s => s.IsError);
        return new LoadStatistics(
            samples.Count,
            sent.Count,
            errors,
            sent.Count(s => s.Failure == LoadFailure.Timeout),
            sent.Count(s => s.Failure == LoadFailure.Transport),
            samples.Count - sent.Count,
            sent.Count == 0 ? 0 : (double)errors / sent.Count,
            elapsed > TimeSpan.Zero ? sent.Count / elapsed.TotalSeconds : 0,
            Percentile(latencies, 50),
            Percentile(latencies, 95),
            Percentile(latencies, 99),
            latencies.Length == 0 ? TimeSpan.Zero : latencies[^1],
            histogram);
    }

    /// <summary>The nearest-rank percentile of ascending <paramref name="sorted"/> values (zero when empty).</summary>
    public static TimeSpan Percentile(IReadOnlyList<TimeSpan> sorted, double percentile)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        if (sorted.Count == 0)
        {
            return TimeSpan.Zero;
        }

        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}
