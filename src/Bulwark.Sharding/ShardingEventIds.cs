namespace Bulwark.Sharding;

/// <summary>The stable event ids of Bulwark.Sharding's logs, kept in one place.</summary>
internal static class ShardingEventIds
{
    public const int MapChanged = 17_001;
    public const int StaleRoute = 17_002;
    public const int MoveStarted = 17_010;
    public const int MoveFenced = 17_011;
    public const int MoveFlipped = 17_012;
    public const int MoveFinished = 17_013;
    public const int MoveAbandoned = 17_014;
}
