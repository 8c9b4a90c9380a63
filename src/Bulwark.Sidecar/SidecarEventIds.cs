namespace Bulwark.Sidecar;

/// <summary>The sidecar's log event ids, kept in one place so they stay stable (5100-5199).</summary>
internal static class SidecarEventIds
{
    public const int Upstream = 5101;
}
