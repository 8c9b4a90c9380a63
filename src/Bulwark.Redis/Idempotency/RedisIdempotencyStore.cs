using System.Text.Json;
using System.Text.Json.Serialization;
using Bulwark.Idempotency;
using StackExchange.Redis;

namespace Bulwark.Redis.Idempotency;

/// <summary>
/// Idempotency keys in Redis, shared by every instance of a service. The claim is <c>SET key value NX PX ttl</c>;
/// expiry is also checked against the injected clock, and an abandoned in-flight claim is taken over with a
/// compare-and-set script so two takers can never both win. Each scope (caller) also has a sorted set of its keys scored
/// by expiry, for the per-caller count: it is written after the record, so a crash between the two over-counts a key
/// only until that key's expiry.
/// </summary>
public sealed class RedisIdempotencyStore : IIdempotencyStore
{
    // Redis drops a key a little after its logical expiry, so the clock (not Redis) decides what is expired.
    private static readonly TimeSpan PhysicalGrace = TimeSpan.FromMinutes(1);

    private const string CompareAndSetScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
            redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
            return 1
        end
        return 0
        """;

    // Only the owner of a key still in flight may complete or release it. ARGV[1]: the owner.
    private const string IfOwnerInFlight = """
        local current = redis.call('GET', KEYS[1])
        if not current then return 0 end
        local record = cjson.decode(current)
        if record.o ~= ARGV[1] or record.s ~= 0 then return 0 end

        """;

    private const string CompleteScript = IfOwnerInFlight + """
        redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        return 1
        """;

    private const string ReleaseScript = IfOwnerInFlight + """
        redis.call('DEL', KEYS[1])
        return 1
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly TimeProvider _timeProvider;
    private readonly string _keyPrefix;

    /// <summary>Creates the store.</summary>
    /// <param name="redis">The Redis connection.</param>
    /// <param name="timeProvider">The clock for expiry.</param>
    /// <param name="keyPrefix">Prefix of every key this store writes.</param>
    public RedisIdempotencyStore(IConnectionMultiplexer redis, TimeProvider timeProvider, string keyPrefix = "bulwark:idempotency:")
    {
        _redis = redis ?? throw new ArgumentNullException(nameof(redis));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _keyPrefix = keyPrefix ?? throw new ArgumentNullException(nameof(keyPrefix));
    }

    /// <inheritdoc />
    public async Task<IdempotencyBeginResult> TryBeginAsync(string key, string fingerprint, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        IdempotencyArguments.ValidateKey(key);
        ArgumentException.ThrowIfNullOrEmpty(fingerprint);
        IdempotencyArguments.ValidatePositive(lockTimeout, nameof(lockTimeout));
        var db = _redis.GetDatabase();
        var redisKey = RedisKey(key);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var now = _timeProvider.GetUtcNow();
            var owner = Guid.CreateVersion7(now);
            var claim = Serialize(new Entry { Fingerprint = fingerprint, Owner = owner, State = 0, ExpiresAt = (now + lockTimeout).ToUnixTimeMilliseconds() });
            if (await db.StringSetAsync(redisKey, claim, lockTimeout + PhysicalGrace, When.NotExists).ConfigureAwait(false))
            {
                await TrackAsync(db, key, now + lockTimeout).ConfigureAwait(false);
                return new IdempotencyBeginResult(owner, null);
            }

            var current = await db.StringGetAsync(redisKey).ConfigureAwait(false);
            if (current.IsNull)
            {
                continue;
            }

            var entry = Deserialize(current!);
            if (entry.ExpiresAt > now.ToUnixTimeMilliseconds())
            {
                return new IdempotencyBeginResult(null, ToRecord(key, entry));
            }

            var takenOver = (long)await db.ScriptEvaluateAsync(
                CompareAndSetScript,
                [redisKey],
                [current, claim, (long)(lockTimeout + PhysicalGrace).TotalMilliseconds]).ConfigureAwait(false);
            if (takenOver == 1)
            {
                await TrackAsync(db, key, now + lockTimeout).ConfigureAwait(false);
                return new IdempotencyBeginResult(owner, null);
            }
        }

        throw new InvalidOperationException($"The idempotency key '{key}' changed hands three times during one claim.");
    }

    /// <inheritdoc />
    public async Task<bool> CompleteAsync(string key, Guid owner, IdempotentResponse response, TimeSpan retention, CancellationToken cancellationToken)
    {
        IdempotencyArguments.ValidateKey(key);
        ArgumentNullException.ThrowIfNull(response);
        IdempotencyArguments.ValidatePositive(retention, nameof(retention));
        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetUtcNow();
        var current = await _redis.GetDatabase().StringGetAsync(RedisKey(key)).ConfigureAwait(false);
        if (current.IsNull)
        {
            return false;
        }

        var entry = Deserialize(current!);
        var completed = Serialize(new Entry
        {
            Fingerprint = entry.Fingerprint,
            Owner = owner,
            State = 1,
            Status = response.StatusCode,
            Headers = new Dictionary<string, string[]>(response.Headers, StringComparer.OrdinalIgnoreCase),
            Body = response.Body.ToArray(),
            ExpiresAt = (now + retention).ToUnixTimeMilliseconds(),
        });
        var done = (long)await _redis.GetDatabase().ScriptEvaluateAsync(
            CompleteScript,
            [RedisKey(key)],
            [owner.ToString(), completed, (long)(retention + PhysicalGrace).TotalMilliseconds]).ConfigureAwait(false);
        if (done == 1)
        {
            await TrackAsync(_redis.GetDatabase(), key, now + retention).ConfigureAwait(false);
        }

        return done == 1;
    }

    /// <inheritdoc />
    public async Task<bool> ReleaseAsync(string key, Guid owner, CancellationToken cancellationToken)
    {
        IdempotencyArguments.ValidateKey(key);
        cancellationToken.ThrowIfCancellationRequested();
        var db = _redis.GetDatabase();
        var released = (long)await db.ScriptEvaluateAsync(ReleaseScript, [RedisKey(key)], [owner.ToString()]).ConfigureAwait(false);
        if (released == 1)
        {
            await db.SortedSetRemoveAsync(ScopeKey(IdempotencyArguments.ScopeOf(key)), key).ConfigureAwait(false);
        }

        return released == 1;
    }

    /// <inheritdoc />
    public async Task<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken)
    {
        IdempotencyArguments.ValidateKey(key);
        cancellationToken.ThrowIfCancellationRequested();
        var current = await _redis.GetDatabase().StringGetAsync(RedisKey(key)).ConfigureAwait(false);
        if (current.IsNull)
        {
            return null;
        }

        var entry = Deserialize(current!);
        return entry.ExpiresAt > _timeProvider.GetUtcNow().ToUnixTimeMilliseconds() ? ToRecord(key, entry) : null;
    }

    /// <inheritdoc />
    public async Task<int> CountLiveAsync(string scope, CancellationToken cancellationToken)
    {
        IdempotencyArguments.ValidateScope(scope);
        cancellationToken.ThrowIfCancellationRequested();
        var db = _redis.GetDatabase();
        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        // Expired members are dropped as they are counted, so the set stays as small as the live keys.
        await db.SortedSetRemoveRangeByScoreAsync(ScopeKey(scope), double.NegativeInfinity, now).ConfigureAwait(false);
        return (int)await db.SortedSetLengthAsync(ScopeKey(scope), now, double.PositiveInfinity, Exclude.Start).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> OldestLiveExpiryAsync(string scope, CancellationToken cancellationToken)
    {
        IdempotencyArguments.ValidateScope(scope);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        // The scope's set is scored by expiry: its first member past now is the one that expires first.
        var first = await _redis.GetDatabase().SortedSetRangeByScoreWithScoresAsync(ScopeKey(scope), now, double.PositiveInfinity, Exclude.Start, take: 1).ConfigureAwait(false);
        return first.Length == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)first[0].Score);
    }

    /// <summary>Redis expires keys itself; nothing to purge.</summary>
    /// <param name="cancellationToken">Unused.</param>
    /// <returns>Zero.</returns>
    public Task<int> PurgeExpiredAsync(CancellationToken cancellationToken) => Task.FromResult(0);

    private RedisKey RedisKey(string key) => _keyPrefix + key;

    // A ':' cannot appear in a scope, so "scopes:" can never collide with a record's key.
    private RedisKey ScopeKey(string scope) => _keyPrefix + "scopes:" + scope;

    private async Task TrackAsync(IDatabase db, string key, DateTimeOffset expiresAt)
    {
        var scope = IdempotencyArguments.ScopeOf(key);
        if (scope.Length == 0)
        {
            return;
        }

        var scopeKey = ScopeKey(scope);
        await db.SortedSetAddAsync(scopeKey, key, expiresAt.ToUnixTimeMilliseconds()).ConfigureAwait(false);
        // The set lives as long as its longest-lived key (plus the grace the records get), then Redis drops it.
        // GT alone never sets a first TTL (no TTL counts as infinite), hence NX first.
        var ttl = expiresAt - _timeProvider.GetUtcNow() + PhysicalGrace;
        await db.KeyExpireAsync(scopeKey, ttl, ExpireWhen.HasNoExpiry).ConfigureAwait(false);
        await db.KeyExpireAsync(scopeKey, ttl, ExpireWhen.GreaterThanCurrentExpiry).ConfigureAwait(false);
    }

    private static string Serialize(Entry entry) => JsonSerializer.Serialize(entry);

    private static Entry Deserialize(string json) =>
        JsonSerializer.Deserialize<Entry>(json) ?? throw new InvalidOperationException("An idempotency record in Redis is not readable.");

    private static IdempotencyRecord ToRecord(string key, Entry entry) => new(
        key,
        entry.Fingerprint,
        entry.Owner,
        (IdempotencyState)entry.State,
        entry.State == 1 ? new IdempotentResponse(entry.Status, entry.Headers ?? [], entry.Body ?? []) : null,
        DateTimeOffset.FromUnixTimeMilliseconds(entry.ExpiresAt));

    // Short names keep the stored value small; the Lua scripts read "o" and "s".
    private sealed class Entry
    {
        [JsonPropertyName("f")]
        public string Fingerprint { get; init; } = "";

        [JsonPropertyName("o")]
        public Guid Owner { get; init; }

        [JsonPropertyName("s")]
        public int State { get; init; }

        [JsonPropertyName("c")]
        public int Status { get; init; }

        [JsonPropertyName("h")]
        public Dictionary<string, string[]>? Headers { get; init; }

        [JsonPropertyName("b")]
        public byte[]? Body { get; init; }

        [JsonPropertyName("e")]
        public long ExpiresAt { get; init; }
    }
}
