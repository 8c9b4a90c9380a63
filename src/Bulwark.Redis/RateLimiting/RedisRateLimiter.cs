using Bulwark.Resilience.CircuitBreaker;
using Bulwark.Resilience.Deadlines;
using Bulwark.Resilience.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Bulwark.Redis.RateLimiting;

/// <summary>
/// A rate limit shared by every instance through Redis: one atomic Lua script per decision, timed by Redis's own clock
/// (<c>TIME</c>), so concurrent clients never over-admit and client clock skew does not matter. Token and leaky buckets
/// run as GCRA (one key per partition), fixed windows as a hash, sliding windows as a sliding-window counter (previous
/// window weighted by its overlap). Behind its own breaker; when Redis is unavailable it fails open to the in-process
/// limiter or fails closed, as configured.
/// </summary>
/// <remarks>See docs/resilience.md#distributed-rate-limiting.</remarks>
public sealed partial class RedisRateLimiter : IRateLimitDecider
{
    // Every script decides by Redis's clock (µs), never the client's.
    private const string Now = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])

        """;

    // Both window algorithms start from the current window's start. ARGV: window µs, limit.
    private const string Window = Now + """
        local window = tonumber(@window)
        local limit = tonumber(@limit)
        local start = now - (now % window)

        """;

    // GCRA: KEYS[1] holds the theoretical arrival time (µs). ARGV: emission interval µs, tolerance µs, TTL slack ms.
    private static readonly LuaScript Gcra = LuaScript.Prepare(Now + """
        local emission = tonumber(@emission)
        local tolerance = tonumber(@tolerance)
        local tat = tonumber(redis.call('GET', @key) or now)
        if tat < now then tat = now end
        local nextTat = tat + emission
        if nextTat - now > tolerance then
          return {0, math.floor((tolerance - (tat - now)) / emission), tat - now, nextTat - tolerance - now}
        end
        redis.call('SET', @key, string.format('%.0f', nextTat), 'PX', math.ceil((nextTat - now) / 1000) + 1000)
        return {1, math.floor((tolerance - (nextTat - now)) / emission), nextTat - now, 0}
        """);

    // Fixed window: a hash with the window start (µs) and the count. ARGV: window µs, limit.
    private static readonly LuaScript FixedWindow = LuaScript.Prepare(Window + """
        local current = tonumber(redis.call('HGET', @key, 's') or -1)
        if current ~= start then
          redis.call('HSET', @key, 's', string.format('%.0f', start), 'c', 0)
          redis.call('PEXPIRE', @key, math.ceil(window / 1000) + 1000)
        end
        local count = tonumber(redis.call('HGET', @key, 'c'))
        local reset = start + window - now
        if count >= limit then
          return {0, 0, reset, reset}
        end
        redis.call('HINCRBY', @key, 'c', 1)
        return {1, limit - count - 1, reset, 0}
        """);

    // Sliding window counter: the previous window's count weighted by how much of it still overlaps, plus the current
    // window's count. ARGV: window µs, limit. Hash fields: s (current window start), c (current), p (previous).
    private static readonly LuaScript SlidingWindow = LuaScript.Prepare(Window + """
        local s = tonumber(redis.call('HGET', @key, 's') or -1)
        local c = tonumber(redis.call('HGET', @key, 'c') or 0)
        local p = tonumber(redis.call('HGET', @key, 'p') or 0)
        if s ~= start then
          if s == start - window then p = c else p = 0 end
          c = 0
          redis.call('HSET', @key, 's', string.format('%.0f', start), 'c', 0, 'p', p)
          redis.call('PEXPIRE', @key, math.ceil(2 * window / 1000) + 1000)
        end
        local weight = 1 - ((now - start) / window)
        local used = math.floor(p * weight) + c
        local nextSegment = math.ceil(window / 10)
        if used >= limit then
          return {0, 0, window, nextSegment}
        end
        redis.call('HINCRBY', @key, 'c', 1)
        return {1, limit - used - 1, window, 0}
        """);

    private readonly IConnectionMultiplexer _redis;
    private readonly LocalRateLimiter _local;
    private readonly RedisRateLimiterOptions _options;
    private readonly BulwarkCircuitBreaker _breaker;
    private readonly ILogger _logger;

    /// <summary>Creates the limiter.</summary>
    /// <param name="redis">The connection.</param>
    /// <param name="local">The in-process limiter used when failing open.</param>
    /// <param name="options">Its settings.</param>
    /// <param name="timeProvider">The clock for the breaker and timeouts (decisions use Redis's clock).</param>
    /// <param name="logger">Where fallbacks are logged.</param>
    public RedisRateLimiter(IConnectionMultiplexer redis, LocalRateLimiter local, RedisRateLimiterOptions options, TimeProvider? timeProvider = null, ILogger<RedisRateLimiter>? logger = null)
    {
        _redis = redis ?? throw new ArgumentNullException(nameof(redis));
        _local = local ?? throw new ArgumentNullException(nameof(local));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        TimeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _breaker = new BulwarkCircuitBreaker("redis-rate-limiter", new BulwarkCircuitBreakerOptions { FailureThreshold = 3, BreakDuration = options.BreakDuration }, TimeProvider, _logger);
    }

    /// <summary>The limiter's own breaker around Redis.</summary>
    public BulwarkCircuitBreaker Breaker => _breaker;

    private TimeProvider TimeProvider { get; }

    /// <inheritdoc />
    public async ValueTask<RateLimitDecision> DecideAsync(string policyName, RateLimitPolicy policy, string partitionKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policyName);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(partitionKey);
        if (!_breaker.TryEnter(out var permit, out _))
        {
            return Unavailable(policyName, policy, partitionKey);
        }

        var deadlineBound = false;
        try
        {
            var key = new RedisKey(_options.KeyPrefix + policyName + ":" + partitionKey);
            var evaluation = policy.Algorithm switch
            {
                RateLimitAlgorithm.FixedWindow => FixedWindow.EvaluateAsync(_redis.GetDatabase(), new { key, window = Micros(policy.Window), limit = policy.PermitLimit }),
                RateLimitAlgorithm.SlidingWindow => SlidingWindow.EvaluateAsync(_redis.GetDatabase(), new { key, window = Micros(policy.Window), limit = policy.PermitLimit }),
                RateLimitAlgorithm.TokenBucket or RateLimitAlgorithm.LeakyBucket => Gcra.EvaluateAsync(_redis.GetDatabase(), new
                {
                    key,
                    emission = Math.Max(1, Micros(policy.Window) / policy.PermitLimit),
                    tolerance = Math.Max(1, Micros(policy.Window) / policy.PermitLimit) * (policy.Algorithm == RateLimitAlgorithm.TokenBucket ? policy.PermitLimit : policy.Burst),
                }),
                _ => throw new NotSupportedException($"The Redis rate limiter does not offer {policy.Algorithm}."),
            };
            // The decision never outlives the request's deadline or the configured timeout, whichever is shorter.
            var timeout = _options.Timeout;
            if (DeadlineContext.Current?.Remaining(TimeProvider) is { } left && left < timeout)
            {
                timeout = left;
                deadlineBound = true;
            }

            var result = (RedisResult[])(await evaluation.WaitAsync(timeout, TimeProvider, cancellationToken).ConfigureAwait(false))!;
            _breaker.Complete(permit, failed: false);
            var allowed = (long)result[0] == 1;
            return new RateLimitDecision(allowed, policy.PermitLimit, (int)Math.Max(0, (long)result[1]),
                TimeSpan.FromMicroseconds((long)result[2]), TimeSpan.FromMicroseconds((long)result[3]));
        }
        catch (OperationCanceledException)
        {
            _breaker.Abandon(permit);
            throw;
        }
        catch (TimeoutException) when (deadlineBound)
        {
            // The request ran out of time, not Redis: no strike against Redis.
            _breaker.Abandon(permit);
            return Unavailable(policyName, policy, partitionKey);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            _breaker.Complete(permit, failed: true);
            LogRedisFailed(_logger, _options.WhenUnavailable, e);
            return Unavailable(policyName, policy, partitionKey);
        }
    }

    private RateLimitDecision Unavailable(string policyName, RateLimitPolicy policy, string partitionKey) =>
        _options.WhenUnavailable == RedisUnavailableMode.FailOpen
            ? _local.Decide(policyName, policy, partitionKey)
            : new RateLimitDecision(false, policy.PermitLimit, 0, _options.BreakDuration, _options.BreakDuration);

    private static long Micros(TimeSpan span) => (long)span.TotalMicroseconds;
}
