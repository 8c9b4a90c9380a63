using System.ComponentModel.DataAnnotations;
using Bulwark.Resilience.RateLimiting;
using Microsoft.Extensions.Options;

namespace Bulwark.Edge.Bff;

/// <summary>
/// One backend for frontend's settings, bound from <c>Edge:Bff:{name}</c> (for example <c>Edge:Bff:mobile</c>) and
/// reloaded at runtime. Each BFF has its own, so a phone's limits and timeouts never follow the browser's. See <c>docs/edge.md</c>.
/// </summary>
public sealed class BffOptions
{
    /// <summary>The configuration section that holds one child per BFF.</summary>
    public const string SectionName = "Edge:Bff";

    /// <summary>How many screens one client (by address) may ask this BFF for; counted apart from every other BFF.</summary>
    /// <value>The default value is a token bucket of 600 per minute.</value>
    [Required]
    [ValidateObjectMembers]
    public RateLimitPolicy RateLimit { get; init; } = new() { PermitLimit = 600, Window = TimeSpan.FromMinutes(1) };

    /// <summary>How long a part may take when neither <see cref="Parts"/> nor the screen's description says.</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan PartTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Per-part settings by part name; they win over the screen's description.</summary>
    /// <value>The default value is empty.</value>
    public Dictionary<string, BffPartOptions> Parts { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The request headers that carry a caller's credentials, forwarded to personal parts only.</summary>
    /// <value>The default value is <c>Authorization</c>.</value>
    [MinLength(1)]
    public List<string> CredentialHeaders { get; init; } = ["Authorization"];

    /// <summary>
    /// The version each screen serves, by screen name (for example <c>home: "2"</c>): the frontend's team ships a new
    /// screen version with the BFF and turns it on here, at runtime, without a release of the services behind it.
    /// A screen not named here, or named with a version it lacks, serves the first version it was mapped with.
    /// </summary>
    /// <value>The default value is empty: every screen serves its first version.</value>
    public Dictionary<string, string> Screens { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>One part's settings within a BFF.</summary>
public sealed class BffPartOptions
{
    /// <summary>How long the part may take: an optional part is then left out (named in <c>degraded</c>), a critical one fails the screen.</summary>
    /// <value>The default value is <see langword="null"/>: the screen's description, else <see cref="BffOptions.PartTimeout"/>.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan? Timeout { get; init; }
}

/// <summary>Validates <see cref="BffOptions"/> with data annotations, nested objects included.</summary>
[OptionsValidator]
internal sealed partial class BffOptionsValidator : IValidateOptions<BffOptions>;
