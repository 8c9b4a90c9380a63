using System.ComponentModel.DataAnnotations;

namespace Shop.Externals.Faults;

/// <summary>The faults a stand-in injects into every request except its control endpoints.</summary>
public sealed record FaultSettings
{
    /// <summary>Added before the handler runs, in milliseconds.</summary>
    [Range(0, 600_000)]
    public int LatencyMs { get; init; }

    /// <summary>Share of requests answered with <see cref="ErrorStatus"/> (0 to 1).</summary>
    [Range(0.0, 1.0)]
    public double ErrorRate { get; init; }

    /// <summary>The status code of an injected error.</summary>
    [Range(500, 599)]
    public int ErrorStatus { get; init; } = 503;

    /// <summary>Hard down: the connection is aborted without any response, like a crashed process.</summary>
    public bool Down { get; init; }

    /// <summary>Headers are sent at once, then the body trickles out over this many milliseconds.</summary>
    [Range(0, 600_000)]
    public int SlowBodyMs { get; init; }

    /// <summary>No faults.</summary>
    public static FaultSettings None { get; } = new();
}
