using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.Proxy;

/// <summary>
/// The faults a <see cref="FaultProxy"/> injects between its clients and the upstream. They can change at any time;
/// new connections and every chunk of existing ones see the current value.
/// </summary>
public sealed record ProxyFaults
{
    /// <summary>Added before a new connection is opened upstream, in milliseconds.</summary>
    [Range(0, 600_000)]
    public int ConnectLatencyMs { get; init; }

    /// <summary>Added before each chunk is forwarded, in either direction, in milliseconds.</summary>
    [Range(0, 600_000)]
    public int LatencyMs { get; init; }

    /// <summary>Forwarding speed cap per direction and connection, in bytes per second; 0 means no cap.</summary>
    [Range(0, int.MaxValue)]
    public int BytesPerSecond { get; init; }

    /// <summary>New connections are reset at once and open ones are reset now: a crashed peer or a firewall RST.</summary>
    public bool Reset { get; init; }

    /// <summary>Connections are accepted but nothing is forwarded either way: a hung peer or a dropped route.</summary>
    public bool Blackhole { get; init; }

    /// <summary>The proxy stops listening, so connects are refused: a stopped process. Open connections are left alone.</summary>
    public bool Refuse { get; init; }

    /// <summary>No faults: bytes flow through untouched.</summary>
    public static ProxyFaults None { get; } = new();
}
