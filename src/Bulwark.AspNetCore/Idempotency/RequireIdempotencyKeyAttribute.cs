namespace Bulwark.AspNetCore.Idempotency;

/// <summary>
/// Endpoint metadata: unsafe requests (POST, PATCH, ...) to this endpoint need an <c>Idempotency-Key</c>, and
/// a retry with the same key gets the first response replayed instead of running the handler again.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequireIdempotencyKeyAttribute : Attribute;
