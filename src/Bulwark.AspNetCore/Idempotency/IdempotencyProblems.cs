namespace Bulwark.AspNetCore.Idempotency;

/// <summary>The RFC 9457 problem <c>type</c> URIs the idempotency middleware answers with.</summary>
public static class IdempotencyProblems
{
    /// <summary>400: the endpoint needs an <c>Idempotency-Key</c> and the request has none.</summary>
    public const string KeyMissing = "https://bulwark.dev/problems/idempotency-key-missing";

    /// <summary>400: the key is empty, too long, repeated, or has characters outside visible ASCII.</summary>
    public const string KeyMalformed = "https://bulwark.dev/problems/idempotency-key-malformed";

    /// <summary>422: the key was used before with a different request (method, path or body).</summary>
    public const string KeyReused = "https://bulwark.dev/problems/idempotency-key-reused";

    /// <summary>409: the first request with this key is still running after the wait.</summary>
    public const string RequestInFlight = "https://bulwark.dev/problems/idempotency-request-in-flight";

    /// <summary>429: the caller already holds the most live keys allowed (<c>MaxLiveKeysPerCaller</c>).</summary>
    public const string CallerKeyLimit = "https://bulwark.dev/problems/idempotency-caller-key-limit";

    /// <summary>413: the body is larger than the middleware fingerprints.</summary>
    public const string BodyTooLarge = "https://bulwark.dev/problems/idempotency-body-too-large";
}
