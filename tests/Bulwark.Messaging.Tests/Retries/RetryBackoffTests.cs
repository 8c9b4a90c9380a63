using Bulwark.Messaging.Retries;

namespace Bulwark.Messaging.Tests.Retries;

public sealed class RetryBackoffTests
{
    private static readonly RetryOptions Options = new() { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(10) };

    [Theory]
    [InlineData(1, 0.5)]
    [InlineData(2, 1.0)]
    [InlineData(3, 2.0)]
    [InlineData(4, 4.0)]
    [InlineData(5, 5.0)]
    [InlineData(30, 5.0)]
    public void DelayAfter_NoJitter_IsHalfTheCappedExponentialDelay(int failedAttempt, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryBackoff.DelayAfter(failedAttempt, Options, new FixedJitter(0)));

    [Fact]
    public void DelayAfter_FullJitter_ReachesTheCappedExponentialDelay()
    {
        Assert.Equal(TimeSpan.FromSeconds(4), RetryBackoff.DelayAfter(3, Options, new FixedJitter(1.0)));
        Assert.Equal(TimeSpan.FromSeconds(10), RetryBackoff.DelayAfter(9, Options, new FixedJitter(1.0)));
    }

    [Fact]
    public void DelayAfter_RandomJitter_SpreadsRetriesWithinTheWindow()
    {
        var delays = Enumerable.Range(0, 200).Select(_ => RetryBackoff.DelayAfter(3, Options, new SharedRandomJitterSource())).ToList();
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)));
        Assert.True(delays.Distinct().Count() > 100, "jitter should spread retries out");
    }
}
