using Bulwark.Edge.Strangler;

namespace Bulwark.Edge.Tests.Strangler;

public sealed class ZombieCheckTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromDays(7);

    [Fact]
    public void Judge_FlippedAndQuietForTheWindow_IsDead()
    {
        Assert.Equal(ZombieState.Dead, ZombieCheck.Judge(StranglerSide.New, Start.AddDays(1), Start, Start.AddDays(8), Window).State);
    }

    [Fact]
    public void Judge_LegacyHitInsideTheWindow_IsNotDead()
    {
        Assert.Equal(ZombieState.Draining, ZombieCheck.Judge(StranglerSide.New, Start.AddDays(3), Start, Start.AddDays(8), Window).State);
        Assert.Equal(ZombieState.Serving, ZombieCheck.Judge(StranglerSide.Legacy, Start.AddDays(3), Start, Start.AddDays(8), Window).State);
    }

    [Fact]
    public void Judge_NoHitButEdgeWatchedLessThanAWindow_IsNotDead()
    {
        // A restart forgets hits; silence since the restart proves nothing until a whole window has passed.
        Assert.Equal(ZombieState.Draining, ZombieCheck.Judge(StranglerSide.New, null, Start, Start.AddDays(2), Window).State);
        Assert.Equal(ZombieState.Dead, ZombieCheck.Judge(StranglerSide.New, null, Start, Start.AddDays(7), Window).State);
    }

    [Fact]
    public void Judge_NobodyCallsALegacyServedRoute_IsDeadWithAdviceToRemove()
    {
        var verdict = ZombieCheck.Judge(StranglerSide.Legacy, null, Start, Start.AddDays(9), Window);
        Assert.Equal(ZombieState.Dead, verdict.State);
        Assert.Contains("remove it rather than migrate", verdict.Reason, StringComparison.Ordinal);
    }
}
