namespace Bulwark.Resilience.RateLimiting;

/// <summary>The answer to one rate-limit question, with what the <c>X-RateLimit-*</c> and <c>Retry-After</c> headers need.</summary>
/// <param name="IsAllowed">Whether the request may go ahead.</param>
/// <param name="Limit">The policy's permit limit.</param>
/// <param name="Remaining">Permits left now.</param>
/// <param name="ResetAfter">When the limit is fully available again.</param>
/// <param name="RetryAfter">When a refused request may try again (zero when allowed).</param>
public readonly record struct RateLimitDecision(bool IsAllowed, int Limit, int Remaining, TimeSpan ResetAfter, TimeSpan RetryAfter);
