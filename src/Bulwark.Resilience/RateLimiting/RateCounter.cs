using System.Threading.RateLimiting;

namespace Bulwark.Resilience.RateLimiting;

/// <summary>One partition's counter. Timestamps are <see cref="TimeProvider.GetTimestamp"/> ticks.</summary>
internal abstract class RateCounter(RateLimitPolicy policy, double frequency)
{
    protected RateLimitPolicy Policy { get; } = policy;

    /// <summary>Guards the counter's state. The counter itself: it never leaves <see cref="LocalRateLimiter"/>, so nothing
    /// else locks on it, and a partition costs one object (one cache line less per decision) instead of two.</summary>
    protected object Gate => this;

    /// <summary>When the counter was last asked; idle counters are evicted by <see cref="LocalRateLimiter"/>.</summary>
    public long LastUsed;

    /// <summary>How long the counter must be idle before forgetting it loses nothing: it would be full again by then.</summary>
    public long IdleAfter => Ticks(Policy.Window) * 2;

    public static RateCounter Create(RateLimitPolicy policy, long now, long frequency) => policy.Algorithm switch
    {
        RateLimitAlgorithm.FixedWindow => new FixedWindowCounter(policy, now, frequency),
        RateLimitAlgorithm.SlidingWindow => new SlidingWindowCounter(policy, now, frequency),
        RateLimitAlgorithm.LeakyBucket => new GcraCounter(policy, policy.Burst, now, frequency),
        _ => new TokenBucketCounter(policy, now, frequency),
    };

    public abstract RateLimitDecision TryAcquire(long now);

    protected long Ticks(TimeSpan span) => (long)(span.TotalSeconds * frequency);

    protected TimeSpan Span(double ticks) => TimeSpan.FromSeconds(Math.Max(0, ticks) / frequency);
}

/// <summary>STRL's fixed window, replenished when the injected clock crosses a window edge.</summary>
internal sealed class FixedWindowCounter : RateCounter, IDisposable
{
    private readonly FixedWindowRateLimiter _limiter;
    private readonly long _window;
    private long _windowStart;

    public FixedWindowCounter(RateLimitPolicy policy, long now, long frequency)
        : base(policy, frequency)
    {
        _window = Math.Max(1, Ticks(policy.Window));
        _windowStart = now;
        // A one-tick window makes every manual TryReplenish count; the real window is tracked here.
        _limiter = new FixedWindowRateLimiter(new() { PermitLimit = policy.PermitLimit, Window = TimeSpan.FromTicks(1), AutoReplenishment = false, QueueLimit = 0 });
    }

    public override RateLimitDecision TryAcquire(long now)
    {
        lock (Gate)
        {
            if (now - _windowStart >= _window)
            {
                _windowStart += (now - _windowStart) / _window * _window;
                _limiter.TryReplenish();
            }

            using var lease = _limiter.AttemptAcquire(1);
            var reset = Span(_windowStart + _window - now);
            var remaining = (int)_limiter.GetStatistics()!.CurrentAvailablePermits;
            return new RateLimitDecision(lease.IsAcquired, Policy.PermitLimit, remaining, reset, lease.IsAcquired ? TimeSpan.Zero : reset);
        }
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>A window of <c>SegmentsPerWindow</c> segments; permits of a segment return when it slides out.</summary>
/// <remarks>Counted here rather than on STRL's sliding window, whose manual replenishment ignores calls closer than
/// one Stopwatch period apart, so several segments cannot be advanced at once from an injected clock.</remarks>
internal sealed class SlidingWindowCounter : RateCounter
{
    private readonly long _segment;
    private readonly int[] _used;
    private long _segmentIndex;
    private int _inWindow;

    public SlidingWindowCounter(RateLimitPolicy policy, long now, long frequency)
        : base(policy, frequency)
    {
        _segment = Math.Max(1, Ticks(policy.Window) / policy.SegmentsPerWindow);
        _used = new int[policy.SegmentsPerWindow];
        _segmentIndex = now / _segment;
    }

    public override RateLimitDecision TryAcquire(long now)
    {
        lock (Gate)
        {
            var index = now / _segment;
            for (var i = _segmentIndex + 1; i <= index && i <= _segmentIndex + _used.Length; i++)
            {
                var slot = (int)(i % _used.Length);
                _inWindow -= _used[slot];
                _used[slot] = 0;
            }

            _segmentIndex = Math.Max(_segmentIndex, index);
            var allowed = _inWindow < Policy.PermitLimit;
            if (allowed)
            {
                _used[(int)(index % _used.Length)]++;
                _inWindow++;
            }

            var nextSegment = Span(((index + 1) * _segment) - now);
            return new RateLimitDecision(allowed, Policy.PermitLimit, Policy.PermitLimit - _inWindow, Policy.Window, allowed ? TimeSpan.Zero : nextSegment);
        }
    }
}

/// <summary>A bucket of <c>PermitLimit</c> tokens refilled evenly over the window.</summary>
internal sealed class TokenBucketCounter : RateCounter
{
    private readonly double _perTick;
    private readonly TimeSpan _oneTokenRefill;
    private double _tokens;
    private long _last;

    public TokenBucketCounter(RateLimitPolicy policy, long now, long frequency)
        : base(policy, frequency)
    {
        _perTick = policy.PermitLimit / (double)Math.Max(1, Ticks(policy.Window));
        _tokens = policy.PermitLimit;
        _last = now;
        _oneTokenRefill = Span(1 / _perTick);
    }

    public override RateLimitDecision TryAcquire(long now)
    {
        bool allowed;
        double tokens;
        lock (Gate)
        {
            _tokens = Math.Min(Policy.PermitLimit, _tokens + ((now - _last) * _perTick));
            _last = now;
            allowed = _tokens >= 1;
            if (allowed)
            {
                _tokens -= 1;
            }

            tokens = _tokens;
        }

        // The divisions run outside the lock: they need only this call's snapshot. A partition under its limit finds
        // its bucket full again and owes exactly one token after taking it; the reset time for that case is the same
        // expression computed once, so the result is bit for bit what dividing now would give.
        var owed = Policy.PermitLimit - tokens;
        var reset = owed == 1 ? _oneTokenRefill : Span(owed / _perTick);
        var retry = allowed ? TimeSpan.Zero : Span((1 - tokens) / _perTick);
        return new RateLimitDecision(allowed, Policy.PermitLimit, (int)tokens, reset, retry);
    }
}

/// <summary>Leaky bucket as a meter (GCRA): one permit every window/limit, with <c>burst</c> allowed back to back.</summary>
internal sealed class GcraCounter : RateCounter
{
    private readonly double _emission;
    private readonly double _tolerance;
    private double _theoreticalArrival;

    public GcraCounter(RateLimitPolicy policy, int burst, long now, long frequency)
        : base(policy, frequency)
    {
        _emission = Ticks(policy.Window) / (double)policy.PermitLimit;
        _tolerance = _emission * burst;
        _theoreticalArrival = now;
    }

    public override RateLimitDecision TryAcquire(long now)
    {
        lock (Gate)
        {
            var tat = Math.Max(_theoreticalArrival, now);
            var next = tat + _emission;
            if (next - now > _tolerance)
            {
                var remainingNow = (int)Math.Max(0, (_tolerance - (tat - now)) / _emission);
                return new RateLimitDecision(false, Policy.PermitLimit, remainingNow, Span(tat - now), Span(next - _tolerance - now));
            }

            _theoreticalArrival = next;
            var remaining = (int)Math.Max(0, (_tolerance - (next - now)) / _emission);
            return new RateLimitDecision(true, Policy.PermitLimit, remaining, Span(next - now), TimeSpan.Zero);
        }
    }
}
