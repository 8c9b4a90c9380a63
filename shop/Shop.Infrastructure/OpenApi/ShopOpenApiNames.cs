namespace Shop.Infrastructure.OpenApi;

/// <summary>Names of the reusable parts of the shop's OpenAPI document (components).</summary>
internal static class ShopOpenApiNames
{
    public const string ProblemSchema = "Problem";
    public const string ProblemContentType = "application/problem+json";
    public const string DeadlineParameter = "X-Deadline";
    public const string IdempotencyKeyParameter = "Idempotency-Key";
    public const string RateLimitLimitHeader = "X-RateLimit-Limit";
    public const string RateLimitRemainingHeader = "X-RateLimit-Remaining";
    public const string RateLimitResetHeader = "X-RateLimit-Reset";
    public const string RetryAfterHeader = "Retry-After";
    public const string ReplayedHeader = "Idempotent-Replayed";
}
