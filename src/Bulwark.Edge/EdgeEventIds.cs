namespace Bulwark.Edge;

/// <summary>The edge's log event ids, kept in one place so they stay stable.</summary>
internal static class EdgeEventIds
{
    public const int ShadowMismatch = 7001;
    public const int StranglerFlipped = 7002;
    public const int ConfigReloaded = 7003;
    public const int ConfigRejected = 7004;
    public const int ReleaseSwitched = 7101;
    public const int ReleaseRefused = 7102;
    public const int CanaryDecision = 7103;
    public const int Drained = 7104;
    public const int SmokeSkipped = 7105;
    public const int CellTableOpened = 7201;
    public const int CellPoolRouting = 7202;
    public const int CellDown = 7203;
    public const int CellUp = 7204;
    public const int CellPinned = 7205;
    public const int CellMarked = 7206;
    public const int CellMove = 7207;
}
