using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Bulwark.Sidecar;

/// <summary>The sidecar's upstreams, bound from <c>Bulwark:Sidecar</c> and read once at start-up. See <c>docs/sidecar.md</c>.</summary>
public sealed class SidecarOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bulwark:Sidecar";

    /// <summary>The services behind the sidecar, by name; each gets its own pipeline, breaker and budget.</summary>
    /// <value>The default value is empty, which fails validation: a sidecar with nothing behind it is a mistake.</value>
    [MinLength(1, ErrorMessage = "Bulwark:Sidecar:Upstreams needs at least one upstream, e.g. Bulwark:Sidecar:Upstreams:recommendations:Address=http://127.0.0.1:5122.")]
    public Dictionary<string, SidecarUpstreamOptions> Upstreams { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>One service behind the sidecar.</summary>
public sealed class SidecarUpstreamOptions
{
    /// <summary>The upstream's base URL, e.g. <c>http://127.0.0.1:5122</c>.</summary>
    /// <value>The default value is empty, which fails validation.</value>
    [Required(AllowEmptyStrings = false)]
    public string Address { get; set; } = "";

    /// <summary>The YARP path pattern this upstream answers; the path is forwarded unchanged.</summary>
    /// <value>The default value is <c>/{**catch-all}</c>: everything (only one upstream may leave it so).</value>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "/{**catch-all}";

    /// <summary>
    /// The resilience pipeline (<c>Bulwark:Resilience:Pipelines:{name}</c>) calls to this upstream go through: its
    /// timeout, retry, retry budget, circuit breaker and bulkhead.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the pipeline named like the upstream.</value>
    public string? Pipeline { get; set; }
}

/// <summary>Validates <see cref="SidecarOptions"/> with data annotations (each upstream is walked in <c>SidecarProxyConfig</c>).</summary>
[OptionsValidator]
internal sealed partial class SidecarOptionsValidator : IValidateOptions<SidecarOptions>;
