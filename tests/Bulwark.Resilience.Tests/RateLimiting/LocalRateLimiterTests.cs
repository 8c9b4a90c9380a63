using Bulwark.Resilience.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Resilience.Tests.RateLimiting;

public sealed class LocalRateLimiterTests
{
    private readonly FakeTimeProvider _time = new();

    private int Burst(LocalRateLimiter limiter, RateLimitPolicy policy, int tries, string key = "k")
    {
        var allowed = 0;
        for (var i = 0; i < tries; i++)
        {
            if (limiter.Decide("tier", policy, key).IsAllowed)
            {
                allowed++;
            }
        }

        return allowed;
    }

    [Fact]
    public void FixedWindow_BurstUpToLimit_ThenRefillsAtTheWindowEdge()
    {
        using var limiter = new LocalRateLimiter(_time);
        var policy = new RateLimitPolicy { Algorithm = RateLimitAlgorithm.FixedWindow, PermitLimit = 10, Window = TimeSpan.FromMinutes(1) };
        Assert.Equal(10, Burst(limiter, policy, 25));
        var refused = limiter.Decide("tier", policy, "k");
        Assert.Equal(TimeSpan.FromMinutes(1), refused.RetryAfter);

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(0, Burst(limiter, policy, 5));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(10, Burst(limiter, policy, 25));
    }

    [Fact]
    public void SlidingWindow_PermitsReturnOnlyAsTheirSegmentSlidesOut()
    {
        using var limiter = new LocalRateLimiter(_time);
        var policy = new RateLimitPolicy { Algorithm = RateLimitAlgorithm.SlidingWindow, PermitLimit = 10, Window = TimeSpan.FromMinutes(1), SegmentsPerWindow = 6 };
        Assert.Equal(6, Burst(limiter, policy, 6));
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(4, Burst(limiter, policy, 10)); // the window still holds the first 6

        _time.Advance(TimeSpan.FromSeconds(30)); // the first 6 slide out; the 4 from 30 s ago remain
        Assert.Equal(6, Burst(limiter, policy, 10));
    }

    [Fact]
    public void TokenBucket_BurstsToCapacity_ThenRefillsEvenly()
    {
        using var limiter = new LocalRateLimiter(_time);
        var policy = new RateLimitPolicy { Algorithm = RateLimitAlgorithm.TokenBucket, PermitLimit = 10, Window = TimeSpan.FromMinutes(1) };
        Assert.Equal(10, Burst(limiter, policy, 20));
        var refused = limiter.Decide("tier", policy, "k");
        Assert.False(refused.IsAllowed);
        Assert.Equal(TimeSpan.FromSeconds(6), refused.RetryAfter);

        _time.Advance(TimeSpan.FromSeconds(12));
        Assert.Equal(2, Burst(limiter, policy, 5));
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(10, Burst(limiter, policy, 20)); // never more than the capacity
    }

    [Fact]
    public void LeakyBucket_SpacesRequestsEvenly_NoBurstBeyondTheConfiguredOne()
    {
        using var limiter = new LocalRateLimiter(_time);
        var policy = new RateLimitPolicy { Algorithm = RateLimitAlgorithm.LeakyBucket, PermitLimit = 10, Window = TimeSpan.FromMinutes(1), Burst = 2 };
        Assert.Equal(2, Burst(limiter, policy, 10));
        _time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(1, Burst(limiter, policy, 10));
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(2, Burst(limiter, policy, 10));
    }

    [Fact]
    public void Partitions_AreCountedSeparately()
    {
        using var limiter = new LocalRateLimiter(_time);
        var policy = new RateLimitPolicy { Algorithm = RateLimitAlgorithm.FixedWindow, PermitLimit = 3 };
        Assert.Equal(3, Burst(limiter, policy, 10, "key:a"));
        Assert.Equal(3, Burst(limiter, policy, 10, "key:b"));
    }

    [Fact]
    public void Decide_ManyOneOffPartitions_IdleOnesAreEvicted()
    {
        using var limiter = new LocalRateLimiter(_time);
        var policy = new RateLimitPolicy { Algorithm = RateLimitAlgorithm.TokenBucket, PermitLimit = 10, Window = TimeSpan.FromMinutes(1) };
        for (var i = 0; i < 5000; i++)
        {
            limiter.Decide("anonymous", policy, $"ip:{i}");
        }

        _time.Advance(TimeSpan.FromMinutes(3));
        for (var i = 0; i < 4096; i++)
        {
            limiter.Decide("anonymous", policy, "ip:active");
        }

        Assert.Equal(1, limiter.PartitionCount);
    }
}
