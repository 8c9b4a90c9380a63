using Bulwark.Drills.Load;

namespace Bulwark.Drills.Tests.Load;

public sealed class LoadStatisticsTests
{
    private static LoadSample Sample(int ms, int status = 200, LoadFailure failure = LoadFailure.None) =>
        new(0, TimeSpan.Zero, TimeSpan.FromMilliseconds(ms), status, failure, false, null);

    [Fact]
    public void Compute_HundredKnownLatencies_GivesNearestRankPercentiles()
    {
        // 1..100 ms: nearest rank puts p50 at 50, p95 at 95, p99 at 99.
        var samples = Enumerable.Range(1, 100).Reverse().Select(ms => Sample(ms)).ToList();

        var stats = LoadStatistics.Compute(samples, TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.FromMilliseconds(50), stats.P50);
        Assert.Equal(TimeSpan.FromMilliseconds(95), stats.P95);
        Assert.Equal(TimeSpan.FromMilliseconds(99), stats.P99);
        Assert.Equal(TimeSpan.FromMilliseconds(100), stats.Max);
        Assert.Equal(50, stats.Throughput, precision: 6);
    }

    [Fact]
    public void Compute_MixedOutcomes_CountsErrorsHistogramAndExcludesDropped()
    {
        LoadSample[] samples =
        [
            Sample(1), Sample(1), Sample(2, 404), Sample(3, 503), Sample(4, 0, LoadFailure.Timeout),
            Sample(5, 0, LoadFailure.Transport), Sample(0, 0, LoadFailure.Dropped),
        ];

        var stats = LoadStatistics.Compute(samples, TimeSpan.FromSeconds(1));

        Assert.Equal(7, stats.Count);
        Assert.Equal(6, stats.Sent);
        Assert.Equal(1, stats.Dropped);
        Assert.Equal(3, stats.Errors); // 503, timeout, transport; a 404 is an answer, not an error
        Assert.Equal(0.5, stats.ErrorRate, precision: 6);
        Assert.Equal(2, stats.CountOf(200));
        Assert.Equal(1, stats.CountOf(404));
        Assert.Equal(2, stats.CountOf(0));
        Assert.Equal(1, stats.Timeouts);
        Assert.Equal(1, stats.TransportErrors);
    }

    [Fact]
    public void Compute_NoSamples_GivesZeros()
    {
        var stats = LoadStatistics.Compute([], TimeSpan.Zero);

        Assert.Equal(0, stats.Sent);
        Assert.Equal(TimeSpan.Zero, stats.P99);
        Assert.Equal(0, stats.ErrorRate);
    }
}
