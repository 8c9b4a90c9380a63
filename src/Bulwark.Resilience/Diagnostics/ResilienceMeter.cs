using System.Diagnostics.Metrics;

namespace Bulwark.Resilience.Diagnostics;

/// <summary>The name of the meter every Bulwark resilience instrument is created on.</summary>
/// <remarks>
/// Subscribe to <see cref="Name"/> (for example with OpenTelemetry's <c>AddMeter</c>) to export them. Components
/// registered in a container create it through <see cref="IMeterFactory"/>; ones built by hand without a factory use a
/// process meter of the same name.
/// </remarks>
public static class ResilienceMeter
{
    /// <summary>The meter name: <c>Bulwark.Resilience</c>.</summary>
    public const string Name = "Bulwark.Resilience";

    // The process meter, for components built without an IMeterFactory.
    internal static readonly Meter Meter = new(Name, "1.0");
}
