using Bulwark.Messaging.Retries;
using Bulwark.Resilience.Retry;

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

    [Fact]
    public void DelayAfter_AnyAttemptAndJitter_IsTheOneBackoffWithEqualJitter()
    {
        // Issue 11: redelivery has no backoff of its own; it is Bulwark.Resilience's, the one HTTP retries and saga steps use.
        for (var attempt = 1; attempt <= 40; attempt++)
        {
            foreach (var random in new[] { 0.0, 0.3, 0.99 })
            {
                var expected = Backoff.Next(BackoffJitter.Equal, attempt - 1, Options.InitialDelay, Options.MaxDelay, Options.InitialDelay, random);
                Assert.Equal(expected, RetryBackoff.DelayAfter(attempt, Options, new FixedJitter(random)));
            }
        }
    }
}
