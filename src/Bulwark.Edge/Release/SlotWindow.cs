using System.Text.Json.Serialization;

namespace Bulwark.Edge.Release;

/// <summary>
/// A slot's requests since the analysis window began: count, errors and a fixed-bucket latency histogram, all updated
/// lock-free so measuring costs the request path a few interlocked increments.
/// </summary>
internal sealed class SlotWindow
{
    // Upper bounds in milliseconds; a p99 is reported as the bound of the bucket it falls in (never optimistic).
    private static readonly double[] Bounds = [1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 2000, 5000, 10000, double.PositiveInfinity];
    private readonly long[] _buckets = new long[Bounds.Length];
    private long _requests;
    private long _errors;

    public void Record(bool error, TimeSpan elapsed)
    {
        Interlocked.Increment(ref _requests);
        if (error)
        {
            Interlocked.Increment(ref _errors);
        }

        var ms = elapsed.TotalMilliseconds;
        var i = 0;
        while (ms > Bounds[i])
        {
            i++;
        }

        Interlocked.Increment(ref _buckets[i]);
    }

    public WindowSnapshot Snapshot()
    {
        var requests = Interlocked.Read(ref _requests);
        var errors = Interlocked.Read(ref _errors);
        var counts = new long[_buckets.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = Interlocked.Read(ref _buckets[i]);
        }

        var total = counts.Sum();
        TimeSpan? p99 = null;
        if (total > 0)
        {
            var rank = (long)Math.Ceiling(total * 0.99);
            long seen = 0;
            for (var i = 0; i < counts.Length; i++)
            {
                seen += counts[i];
                if (seen >= rank)
                {
                    p99 = double.IsPositiveInfinity(Bounds[i]) ? TimeSpan.MaxValue : TimeSpan.FromMilliseconds(Bounds[i]);
                    break;
                }
            }
        }

        return new WindowSnapshot(requests, errors, p99) { Latencies = counts };
    }
}

/// <summary>A slot's measurements over an analysis window.</summary>
/// <param name="Requests">Requests answered (or failed) in the window.</param>
/// <param name="Errors">Those answered 5xx or not answered at all.</param>
/// <param name="P99">The 99th-percentile latency (bucket upper bound); null without requests.</param>
public sealed record WindowSnapshot(long Requests, long Errors, TimeSpan? P99)
{
    /// <summary>Requests per latency bucket, fastest first (the rank test's input); empty when not measured.</summary>
    [JsonIgnore]
    public IReadOnlyList<long> Latencies { get; init; } = [];

    /// <summary>Errors ÷ requests; 0 without requests.</summary>
    public double ErrorRate => Requests == 0 ? 0 : (double)Errors / Requests;
}
