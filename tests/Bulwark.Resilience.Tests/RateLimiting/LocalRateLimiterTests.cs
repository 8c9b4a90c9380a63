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

    [Fact]
    public void TokenBucket_ResetAfter_IsTheTimeToRefillWhatIsOwed()
    {
        using var limiter = new LocalRateLimiter(_time);
        var policy = new RateLimitPolicy { Algorithm = RateLimitAlgorithm.TokenBucket, PermitLimit = 10, Window = TimeSpan.FromMinutes(1) };

        // One token owed (a full bucket, one taken), then two: the one-token case must equal the computed one.
        Assert.Equal(TimeSpan.FromSeconds(6), limiter.Decide("tier", policy, "k").ResetAfter);
        Assert.Equal(TimeSpan.FromSeconds(12), limiter.Decide("tier", policy, "k").ResetAfter);
        _time.Advance(TimeSpan.FromMinutes(5));
        var again = limiter.Decide("tier", policy, "k");
        Assert.Equal(TimeSpan.FromSeconds(6), again.ResetAfter);
        Assert.Equal(9, again.Remaining);
    }

    [Fact]
    public void Tiers_AlternatingOnOneKey_AreCountedSeparately()
    {
        using var limiter = new LocalRateLimiter(_time);
        var strict = new RateLimitPolicy { Algorithm = RateLimitAlgorithm.FixedWindow, PermitLimit = 2 };
        var loose = new RateLimitPolicy { Algorithm = RateLimitAlgorithm.FixedWindow, PermitLimit = 5 };
        var allowed = new Dictionary<string, int> { ["strict"] = 0, ["loose"] = 0 };
        for (var i = 0; i < 20; i++)
        {
            // Fresh string instances each time: the tier is found by name, not by reference.
            var name = new string(i % 2 == 0 ? "strict" : "loose");
            if (limiter.Decide(name, i % 2 == 0 ? strict : loose, "key:a").IsAllowed)
            {
                allowed[name]++;
            }
        }

        Assert.Equal(2, allowed["strict"]);
        Assert.Equal(5, allowed["loose"]);
    }

    [Fact]
    public async Task TokenBucket_ManyParallelCallers_AllowExactlyTheCapacity()
    {
        var policy = new RateLimitPolicy { Algorithm = RateLimitAlgorithm.TokenBucket, PermitLimit = 100, Window = TimeSpan.FromHours(1) };
        for (var round = 0; round < 20; round++)
        {
            using var limiter = new LocalRateLimiter(_time);
            var allowed = 0;
            using var start = new Barrier(8);
            // Own threads, so that the barrier does not wait on the thread pool's slow growth.
            var callers = Enumerable.Range(0, 8).Select(_ => Task.Factory.StartNew(() =>
            {
                start.SignalAndWait(TestContext.Current.CancellationToken);
                for (var i = 0; i < 50; i++)
                {
                    if (limiter.Decide("tier", policy, $"key:{i % 2}").IsAllowed)
                    {
                        Interlocked.Increment(ref allowed);
                    }
                }
            }, TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
            await Task.WhenAll(callers);

            // Two partitions of 100 tokens, 200 asks each; the clock stands still, so nothing refills.
            Assert.Equal(200, allowed);
        }
    }

    [Fact]
    public void TokenBucket_HeaderTimes_AreTheOwedTokensTimesOneTokensRefill_TruncatedToTicks()
    {
        using var limiter = new LocalRateLimiter(_time);

        // 7 a second: one token refills in 10,000,000 / 7 = 1,428,571.43 TimeSpan ticks, not a whole number.
        var policy = new RateLimitPolicy { Algorithm = RateLimitAlgorithm.TokenBucket, PermitLimit = 7, Window = TimeSpan.FromSeconds(1) };
        Assert.Equal(3, Burst(limiter, policy, 3));
        var fourth = limiter.Decide("tier", policy, "k"); // 4 owed, 3 left
        Assert.True(fourth.IsAllowed);
        Assert.Equal(3, fourth.Remaining);
        Assert.Equal(TimeSpan.FromTicks(5_714_285), fourth.ResetAfter); // 4 × 1,428,571.43
        Assert.Equal(3, Burst(limiter, policy, 10));

        var refused = limiter.Decide("tier", policy, "k");
        Assert.False(refused.IsAllowed);
        Assert.Equal(0, refused.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.ResetAfter); // all 7 owed: the whole window
        Assert.Equal(TimeSpan.FromTicks(1_428_571), refused.RetryAfter);

        // Half a token's time later (a tick over), half a token is still missing.
        _time.Advance(TimeSpan.FromTicks(714_286));
        var half = limiter.Decide("tier", policy, "k");
        Assert.False(half.IsAllowed);
        Assert.Equal(TimeSpan.FromTicks(714_285), half.RetryAfter);
        Assert.Equal(TimeSpan.FromTicks(9_285_714), half.ResetAfter);
    }

    [Fact]
    public async Task TokenBucket_ParallelCallersAfterEachRefill_TakeExactlyTheRefilledTokens()
    {
        // 1,000 tokens a second. Each round the clock moves on by a few seconds, then 8 threads race for the refilled
        // tokens on one partition with more asks than tokens; exactly the refilled number is allowed, whatever the
        // interleaving. Enough asks that two callers do meet inside a decision on two cores.
        var policy = new RateLimitPolicy { Algorithm = RateLimitAlgorithm.TokenBucket, PermitLimit = 60_000, Window = TimeSpan.FromMinutes(1) };
        using var limiter = new LocalRateLimiter(_time);
        Assert.Equal(60_000, Burst(limiter, policy, 70_000));
        for (var round = 1; round <= 20; round++)
        {
            var seconds = 1 + (round % 12);
            _time.Advance(TimeSpan.FromSeconds(seconds));
            var allowed = 0;
            using var start = new Barrier(8);
            var callers = Enumerable.Range(0, 8).Select(_ => Task.Factory.StartNew(() =>
            {
                start.SignalAndWait(TestContext.Current.CancellationToken);
                var mine = 0;
                for (var i = 0; i < 2_000; i++)
                {
                    if (limiter.Decide("tier", policy, "k").IsAllowed)
                    {
                        mine++;
                    }
                }

                Interlocked.Add(ref allowed, mine);
            }, TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
            await Task.WhenAll(callers);

            Assert.Equal(seconds * 1_000, allowed);
        }
    }
}
