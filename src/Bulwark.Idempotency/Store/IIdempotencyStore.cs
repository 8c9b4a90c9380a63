namespace Bulwark.Idempotency;

/// <summary>
/// Remembers idempotency keys and the response of the request that first used each one. A claim is atomic
/// (a unique key or <c>SET NX</c>), so of many identical requests exactly one runs the handler. A store key is
/// <c>scope:client-key</c>; the scope (everything before the first <c>:</c>) is the caller, so records can be counted per caller.
/// See <c>docs/data-consistency.md</c>.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>
    /// Claims <paramref name="key"/> for one in-flight request, unless a live record holds it. An in-flight claim
    /// older than <paramref name="lockTimeout"/> counts as abandoned (its process died) and may be taken over.
    /// </summary>
    /// <param name="key">The caller-scoped key.</param>
    /// <param name="fingerprint">A hash of the request, so a reuse with another body can be told apart.</param>
    /// <param name="lockTimeout">How long the claim stays in flight before it counts as abandoned.</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    /// <returns>Either the claim (with its owner token) or the record already holding the key.</returns>
    Task<IdempotencyBeginResult> TryBeginAsync(string key, string fingerprint, TimeSpan lockTimeout, CancellationToken cancellationToken);

    /// <summary>Stores the response of a claimed key and keeps it for <paramref name="retention"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="owner">The owner token returned by <see cref="TryBeginAsync"/>.</param>
    /// <param name="response">The response to replay.</param>
    /// <param name="retention">How long the key and response are kept.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="false"/> when the claim was lost (it timed out and another request took it).</returns>
    Task<bool> CompleteAsync(string key, Guid owner, IdempotentResponse response, TimeSpan retention, CancellationToken cancellationToken);

    /// <summary>Gives up a claim without a response (the handler failed), so a retry may run the handler.</summary>
    /// <param name="key">The key.</param>
    /// <param name="owner">The owner token returned by <see cref="TryBeginAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns><see langword="false"/> when the claim was already lost.</returns>
    Task<bool> ReleaseAsync(string key, Guid owner, CancellationToken cancellationToken);

    /// <summary>Reads the live record of <paramref name="key"/>; expired records read as absent.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The record, or <see langword="null"/>.</returns>
    Task<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Counts the live records (in flight or completed, not expired) in <paramref name="scope"/>: the keys that start
    /// with the scope and a <c>:</c> (see <see cref="IdempotencyArguments.ScopeOf"/>). Released claims do not count.
    /// Used to cap how many keys one caller may hold.
    /// </summary>
    /// <param name="scope">The scope (a caller id, hashed).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>How many live records the scope holds.</returns>
    Task<int> CountLiveAsync(string scope, CancellationToken cancellationToken);

    /// <summary>
    /// When the first of the live records in <paramref name="scope"/> expires (the same records as
    /// <see cref="CountLiveAsync"/>): when a caller at its cap gets room for a new key, sent as <c>Retry-After</c>.
    /// </summary>
    /// <param name="scope">The scope (a caller id, hashed).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The earliest expiry, or <see langword="null"/> when the scope holds no live record.</returns>
    Task<DateTimeOffset?> OldestLiveExpiryAsync(string scope, CancellationToken cancellationToken);

    /// <summary>Deletes expired records (stores with native expiry may do nothing).</summary>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>How many records were deleted.</returns>
    Task<int> PurgeExpiredAsync(CancellationToken cancellationToken);
}

/// <summary>Whether a key is being processed or done.</summary>
public enum IdempotencyState
{
    /// <summary>A request holds the key and is running the handler.</summary>
    InFlight,

    /// <summary>The response is stored and is replayed to every retry.</summary>
    Completed,
}

/// <summary>The stored state of one idempotency key.</summary>
/// <param name="Key">The caller-scoped key.</param>
/// <param name="Fingerprint">The hash of the request that claimed the key.</param>
/// <param name="Owner">The token of the request that claimed the key.</param>
/// <param name="State">In flight or completed.</param>
/// <param name="Response">The stored response when completed.</param>
/// <param name="ExpiresAt">When an in-flight claim counts as abandoned, or a completed key is forgotten.</param>
public sealed record IdempotencyRecord(string Key, string Fingerprint, Guid Owner, IdempotencyState State, IdempotentResponse? Response, DateTimeOffset ExpiresAt);

/// <summary>A response kept for replay.</summary>
/// <param name="StatusCode">The HTTP status code.</param>
/// <param name="Headers">The response headers worth replaying.</param>
/// <param name="Body">The response body.</param>
public sealed record IdempotentResponse(int StatusCode, IReadOnlyDictionary<string, string[]> Headers, ReadOnlyMemory<byte> Body);

/// <summary>The outcome of <see cref="IIdempotencyStore.TryBeginAsync"/>.</summary>
/// <param name="Owner">The claim's owner token when acquired.</param>
/// <param name="Existing">The record holding the key when not acquired.</param>
public readonly record struct IdempotencyBeginResult(Guid? Owner, IdempotencyRecord? Existing)
{
    /// <summary>Whether this request now holds the key and must run the handler.</summary>
    public bool Acquired => Owner.HasValue;
}
