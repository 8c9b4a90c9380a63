using System.Diagnostics.Metrics;

namespace Bulwark.Resilience.Diagnostics;

/// <summary>The meter every Bulwark resilience instrument is created on.</summary>
/// <remarks>Subscribe to <see cref="Name"/> (for example with OpenTelemetry's <c>AddMeter</c>) to export them.</remarks>
public static class ResilienceMeter
{
    /// <summary>The meter name: <c>Bulwark.Resilience</c>.</summary>
    public const string Name = "Bulwark.Resilience";

    // One process-wide meter keeps instrument names unique; instruments carry the component name as a tag.
    internal static readonly Meter Meter = new(Name, "1.0");
}
