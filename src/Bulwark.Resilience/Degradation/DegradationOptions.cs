using System.ComponentModel.DataAnnotations;

namespace Bulwark.Resilience.Degradation;

/// <summary>Defaults for composed responses. Bound from <c>Bulwark:Resilience:Degradation</c>.</summary>
public sealed class DegradationOptions
{
    /// <summary>How long an optional part may take before it is left out.</summary>
    /// <value>The default value is 500 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan OptionalPartTimeout { get; set; } = TimeSpan.FromMilliseconds(500);
}
