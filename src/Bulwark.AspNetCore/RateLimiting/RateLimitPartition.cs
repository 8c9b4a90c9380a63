namespace Bulwark.AspNetCore.RateLimiting;

/// <summary>Who a request is counted as, and under which tier.</summary>
/// <param name="Tier">The tier's name in <see cref="BulwarkRateLimitingOptions.Tiers"/>.</param>
/// <param name="Key">The partition key (for example <c>key:abc</c>, <c>user:ann</c>, <c>ip:127.0.0.1</c>).</param>
public readonly record struct RateLimitPartition(string Tier, string Key);
