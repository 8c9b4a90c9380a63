using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Bulwark.Resilience.Diagnostics;

namespace Bulwark.Resilience.RateLimiting;

/// <summary>
/// In-process rate limits per partition: fixed window on System.Threading.RateLimiting; sliding window, token bucket and
/// leaky bucket (GCRA) as small counters; all driven by <see cref="TimeProvider"/> so they are exact under test clocks.
/// </summary>
/// <remarks>
/// System.Threading.RateLimiting's limiters replenish from <c>Stopwatch</c>; here they run with manual replenishment that
/// this class triggers from the injected clock. Its token bucket refills by elapsed Stopwatch time even when replenished
/// by hand, and its sliding window skips replenishments closer than a Stopwatch period, so those are counted here.
/// </remarks>
public sealed class LocalRateLimiter : IRateLimitDecider, IDisposable
{
    private static readonly Counter<long> Refusals = ResilienceMeter.Meter.CreateCounter<long>(
        "bulwark.rate_limit.refusals", "{request}", "Requests refused by a rate limit.");

    // Nested by tier, then partition: string keys hash faster than a tuple of strings on this hot path.
    private readonly ConcurrentDictionary<string, Tier> _counters = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly long _sweepInterval;

    // Due time of the next sweep of idle partitions. Read on every decision but written about once a second, so it does
    // not bounce between cores the way a shared decision counter did.
    private long _nextSweep;

    // The tier asked last. Callers use a handful of policy names, so comparing one short string usually replaces the
    // outer lookup; it is written only when the tier changes.
    private Tier? _recentTier;

    /// <summary>Creates the limiter.</summary>
    /// <param name="timeProvider">The clock.</param>
    public LocalRateLimiter(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _sweepInterval = timeProvider.TimestampFrequency;
    }

    /// <summary>Partitions currently tracked.</summary>
    public int PartitionCount => _counters.Values.Sum(static tier => tier.Partitions.Count);

    /// <inheritdoc />
    public ValueTask<RateLimitDecision> DecideAsync(string policyName, RateLimitPolicy policy, string partitionKey, CancellationToken cancellationToken) =>
        new(Decide(policyName, policy, partitionKey));

    /// <summary>The synchronous decision (a local decision never waits).</summary>
    /// <param name="policyName">The policy's name.</param>
    /// <param name="policy">The policy.</param>
    /// <param name="partitionKey">Who is counted.</param>
    /// <returns>The decision.</returns>
    public RateLimitDecision Decide(string policyName, RateLimitPolicy policy, string partitionKey)
    {
        ArgumentNullException.ThrowIfNull(policyName);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(partitionKey);
        var now = _timeProvider.GetTimestamp();
        var tier = _recentTier;
        if (tier is null || !string.Equals(tier.Name, policyName, StringComparison.Ordinal))
        {
            tier = FindTier(policyName);
        }

        if (!tier.Partitions.TryGetValue(partitionKey, out var counter))
        {
            counter = tier.Partitions.GetOrAdd(partitionKey, static (_, state) => RateCounter.Create(state.policy, state.now, state.frequency), (policy, now, frequency: _timeProvider.TimestampFrequency));
        }

        Volatile.Write(ref counter.LastUsed, now);
        var decision = counter.TryAcquire(now);

        // Partitions keyed by IP or API key would otherwise grow without bound; an idle counter is full again anyway.
        // At most one sweep a second, by the caller that wins the due time.
        var due = Volatile.Read(ref _nextSweep);
        if (now >= due && Interlocked.CompareExchange(ref _nextSweep, now + _sweepInterval, due) == due)
        {
            Sweep(now);
        }

        if (!decision.IsAllowed)
        {
            Refusals.Add(1, new KeyValuePair<string, object?>("bulwark.rate_limit.policy", policyName));
        }

        return decision;
    }

    /// <summary>Forgets partitions idle for more than two windows of their policy.</summary>
    /// <param name="now">The current <see cref="TimeProvider.GetTimestamp"/>.</param>
    internal void Sweep(long now)
    {
        foreach (var (_, tier) in _counters)
        {
            foreach (var (key, counter) in tier.Partitions)
            {
                if (now - Volatile.Read(ref counter.LastUsed) > counter.IdleAfter && tier.Partitions.TryRemove(new KeyValuePair<string, RateCounter>(key, counter)))
                {
                    (counter as IDisposable)?.Dispose();
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var counter in _counters.Values.SelectMany(static tier => tier.Partitions.Values))
        {
            (counter as IDisposable)?.Dispose();
        }

        _counters.Clear();
        _recentTier = null;
    }

    private Tier FindTier(string policyName)
    {
        if (!_counters.TryGetValue(policyName, out var tier))
        {
            tier = _counters.GetOrAdd(policyName, static name => new Tier(name));
        }

        _recentTier = tier;
        return tier;
    }

    /// <summary>One policy's partitions.</summary>
    private sealed class Tier(string name)
    {
        public string Name { get; } = name;

        public ConcurrentDictionary<string, RateCounter> Partitions { get; } = new(StringComparer.Ordinal);
    }
}
