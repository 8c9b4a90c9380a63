using System.ComponentModel.DataAnnotations;

namespace Bulwark.AspNetCore.Idempotency;

/// <summary>How the <c>Idempotency-Key</c> middleware behaves. Bound from <c>Bulwark:Idempotency</c>.</summary>
public sealed class IdempotencyOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Bulwark:Idempotency";

    /// <summary>The request header carrying the client's key.</summary>
    /// <value>The default value is <c>Idempotency-Key</c>.</value>
    [Required]
    public string HeaderName { get; set; } = "Idempotency-Key";

    /// <summary>The longest key accepted; longer keys are rejected as malformed.</summary>
    /// <value>The default value is 255.</value>
    [Range(1, 255)]
    public int MaxKeyLength { get; set; } = 255;

    /// <summary>How long a completed key and its response are kept: a bit longer than any client's retry window.</summary>
    /// <value>The default value is 24 hours (allowed: 1 to 48 hours).</value>
    [Range(typeof(TimeSpan), "01:00:00", "2.00:00:00")]
    public TimeSpan Expiry { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a request may hold a key before it counts as abandoned (its process died) and a retry may run.</summary>
    /// <value>The default value is 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan InFlightTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a duplicate waits for the first request to finish before it gets 409 Conflict.</summary>
    /// <value>The default value is 10 seconds; zero answers 409 at once.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ConcurrentWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long past the request's deadline (past the handler's end when the request has none) recording its outcome may
    /// wait, e.g. for a pooled connection. The record is written even if the client went away, but never unbounded: a
    /// record not written in time is given up, the client still gets its answer, and the key stays in flight until
    /// <see cref="InFlightTimeout"/>, after which a retry with it runs the handler again (logged and counted as <c>unrecorded</c>).
    /// </summary>
    /// <value>The default value is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan RecordGrace { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a waiting duplicate checks whether the first request finished.</summary>
    /// <value>The default value is 25 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:05")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>The largest request body fingerprinted; larger bodies get 413.</summary>
    /// <value>The default value is 1 MiB.</value>
    [Range(0, 64 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The most live keys (in flight or kept for replay) one caller may hold; a new key over it is answered 429 and
    /// stored nowhere. Answers with a 4xx are never kept, so only accepted requests count. 0 turns the cap off.
    /// </summary>
    /// <value>The default value is 1,000 per caller (a key is kept for <see cref="Expiry"/>).</value>
    [Range(0, 10_000_000)]
    public int MaxLiveKeysPerCaller { get; set; } = 1_000;

    /// <summary>The request header whose value (hashed) scopes keys to an API client.</summary>
    /// <value>The default value is <c>X-Api-Key</c>.</value>
    [Required]
    public string ApiKeyHeaderName { get; set; } = "X-Api-Key";

    /// <summary>
    /// A secret that turns the stored request fingerprint into an HMAC-SHA256 instead of a plain SHA-256, so a record
    /// cannot be used to confirm a guessed body (a name, an e-mail address). At least 32 characters; keep it in a
    /// secret store. Changing it makes retries of in-flight keys answer 422 (never run twice) until they expire.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: plain SHA-256.</value>
    [MinLength(32)]
    public string? FingerprintKey { get; set; }

    /// <summary>How often expired keys are deleted from the store.</summary>
    /// <value>The default value is 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);
}
