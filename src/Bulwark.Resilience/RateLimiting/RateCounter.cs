using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;

namespace Bulwark.Resilience.RateLimiting;

/// <summary>One partition's counter. Timestamps are <see cref="TimeProvider.GetTimestamp"/> ticks.</summary>
internal abstract class RateCounter(RateLimitPolicy policy, double frequency)
{
    protected RateLimitPolicy Policy { get; } = policy;

    /// <summary>Guards the counter's state. The counter itself: it never leaves <see cref="LocalRateLimiter"/>, so nothing
    /// else locks on it, and a partition costs one object (one cache line less per decision) instead of two.</summary>
    protected object Gate => this;

    // 1 while a caller is inside a spin section (EnterSpin/ExitSpin).
    private int _spinning;

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

    /// <summary>
    /// Enters a section that only does a few arithmetic instructions on the counter's fields: one compare-exchange to
    /// enter and a plain store to leave, ~2 ns a decision against ~8 ns for an uncontended <c>lock</c> on the benchmark
    /// machine (docs/benchmarks/resilience.md). Nothing in such a section can throw, block or call out, so no
    /// <c>try</c>/<c>finally</c> is needed, and a waiter spins only while the holder runs those few instructions (or
    /// yields, if the holder was preempted).
    /// </summary>
    protected void EnterSpin()
    {
        if (Interlocked.CompareExchange(ref _spinning, 1, 0) != 0)
        {
            EnterSpinContended();
        }
    }

    /// <summary>Leaves the section; the release store publishes the section's writes to the next caller to enter.</summary>
    protected void ExitSpin() => Volatile.Write(ref _spinning, 0);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EnterSpinContended()
    {
        // Never Sleep(1): a holder preempted on a busy machine is resumed sooner by yielding than by a 1 ms nap.
        var spin = default(SpinWait);
        do
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
        while (Volatile.Read(ref _spinning) != 0 || Interlocked.CompareExchange(ref _spinning, 1, 0) != 0);
    }
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
    private readonly double _capacity;
    private readonly double _perTick;

    // TimeSpan ticks one token takes to refill. ResetAfter and RetryAfter are one multiplication by it instead of two
    // dependent divisions per decision (by the rate, then by the clock's frequency): ~16 ns that the next decision's
    // clock read waited for. Computed as one division of whole numbers, so a whole number of TimeSpan ticks per token
    // (6 s for 10 a minute) comes out exact.
    private readonly double _spanTicksPerToken;
    private double _tokens;
    private long _last;

    public TokenBucketCounter(RateLimitPolicy policy, long now, long frequency)
        : base(policy, frequency)
    {
        var window = Math.Max(1, Ticks(policy.Window));
        _capacity = policy.PermitLimit;
        _perTick = policy.PermitLimit / (double)window;
        _spanTicksPerToken = window * (double)TimeSpan.TicksPerSecond / (frequency * (double)policy.PermitLimit);
        _tokens = policy.PermitLimit;
        _last = now;
    }

    public override RateLimitDecision TryAcquire(long now)
    {
        EnterSpin();
        var tokens = Math.Min(_capacity, _tokens + ((now - _last) * _perTick));
        var allowed = tokens >= 1;
        if (allowed)
        {
            tokens -= 1;
        }

        _tokens = tokens;
        _last = now;
        ExitSpin();

        // Outside the section: they need only this call's snapshot. tokens never exceeds the capacity, and a refusal
        // leaves less than one, so neither product is negative.
        var reset = new TimeSpan((long)((_capacity - tokens) * _spanTicksPerToken));
        var retry = allowed ? TimeSpan.Zero : new TimeSpan((long)((1 - tokens) * _spanTicksPerToken));
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
