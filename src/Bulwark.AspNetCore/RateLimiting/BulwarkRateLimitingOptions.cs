using System.ComponentModel.DataAnnotations;
using Bulwark.Resilience.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace Bulwark.AspNetCore.RateLimiting;

/// <summary>Per-caller rate-limit tiers at the entry. Bound from <c>Bulwark:RateLimiting</c>.</summary>
/// <remarks>See docs/resilience.md#rate-limiting.</remarks>
public sealed class BulwarkRateLimitingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bulwark:RateLimiting";

    /// <summary>The tiers by name.</summary>
    /// <value>The default value is <c>anonymous</c> (10/min) and <c>authenticated</c> (1000/min), token bucket.</value>
    [Required]
    public Dictionary<string, RateLimitPolicy> Tiers { get; init; } = new(StringComparer.Ordinal)
    {
        ["anonymous"] = new RateLimitPolicy { PermitLimit = 10, Window = TimeSpan.FromMinutes(1) },
        ["authenticated"] = new RateLimitPolicy { PermitLimit = 1000, Window = TimeSpan.FromMinutes(1) },
    };

    /// <summary>API keys and their tier; a request with an unknown key is anonymous (counted by IP, so rotating keys gains nothing).</summary>
    /// <value>The default value is empty.</value>
    public Dictionary<string, string> ApiKeys { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The header carrying the API key.</summary>
    /// <value>The default value is <c>X-Api-Key</c>.</value>
    [Required]
    public string ApiKeyHeader { get; set; } = "X-Api-Key";

    /// <summary>The tier of callers without a known key or identity.</summary>
    /// <value>The default value is <c>anonymous</c>.</value>
    [Required]
    public string AnonymousTier { get; set; } = "anonymous";

    /// <summary>Replaces the built-in API key → user → IP resolution (for example to read a tenant claim); return
    /// <see langword="null"/> to fall back to it. The tier it names must exist in <see cref="Tiers"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Func<HttpContext, RateLimitPartition?>? PartitionResolver { get; set; }

    /// <summary>Requests that are never limited (for example health probes).</summary>
    /// <value>The default value is <see langword="null"/>: every request is limited.</value>
    public Func<HttpContext, bool>? Exempt { get; set; }

    /// <summary>The tier of authenticated users without an API key.</summary>
    /// <value>The default value is <c>authenticated</c>.</value>
    [Required]
    public string AuthenticatedTier { get; set; } = "authenticated";
}
