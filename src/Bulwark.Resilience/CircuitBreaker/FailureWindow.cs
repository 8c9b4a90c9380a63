namespace Bulwark.Resilience.CircuitBreaker;

/// <summary>Success and failure counts over a sliding window of fixed buckets. Not thread-safe: the breaker locks.</summary>
internal sealed class FailureWindow
{
    private const int BucketCount = 10;
    private readonly long _bucketTicks;
    private readonly long[] _bucketStart = new long[BucketCount];
    private readonly int[] _failures = new int[BucketCount];
    private readonly int[] _total = new int[BucketCount];

    public FailureWindow(TimeSpan samplingDuration)
    {
        _bucketTicks = Math.Max(1, samplingDuration.Ticks / BucketCount);
        Array.Fill(_bucketStart, long.MinValue);
    }

    public void Record(long nowTicks, bool failed, out int total, out int failures)
    {
        var bucketStart = nowTicks - (nowTicks % _bucketTicks);
        var index = (int)((nowTicks / _bucketTicks) % BucketCount);
        if (_bucketStart[index] != bucketStart)
        {
            _bucketStart[index] = bucketStart;
            _failures[index] = 0;
            _total[index] = 0;
        }

        _total[index]++;
        if (failed)
        {
            _failures[index]++;
        }

        var oldest = bucketStart - (_bucketTicks * (BucketCount - 1));
        total = 0;
        failures = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            if (_bucketStart[i] >= oldest)
            {
                total += _total[i];
                failures += _failures[i];
            }
        }
    }

    public void Clear() => Array.Fill(_bucketStart, long.MinValue);
}
