namespace Bulwark.Observability.Telemetry;

/// <summary>Names shared by every Bulwark building block's telemetry.</summary>
public static class BulwarkTelemetry
{
    /// <summary>The wildcard that matches every Bulwark <see cref="System.Diagnostics.ActivitySource"/> and meter.</summary>
    public const string SourcePrefix = "Bulwark.*";
}
