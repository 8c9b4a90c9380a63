using Bulwark.Drills.Model;
using Bulwark.Drills.Ordering;

namespace Bulwark.Drills.Tests.Ordering;

public sealed class OrderingJudgeTests
{
    [Fact]
    public void Judge_EveryOrderInItsNewestState_Passes() =>
        Assert.Equal(DrillOutcome.Passed, OrderingJudge.Judge(Measure(Order(OrderingScenario.RejectedBeforePlaced, "Void", 0, "Void", 0), Order(OrderingScenario.PlacedThenConfirmed, "Earned", 42, "Earned", 42))).Outcome);

    [Fact]
    public void Judge_ALatePlacedUndidTheRejection_FailsNamingTheResurrection()
    {
        var verdict = OrderingJudge.Judge(Measure(Order(OrderingScenario.RejectedBeforePlaced, "Void", 0, "Pending", 42, resurrected: true), Order(OrderingScenario.PlacedThenConfirmed, "Earned", 42, "Earned", 42)));

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("RejectedBeforePlaced", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains("resurrected", verdict.Reason, StringComparison.Ordinal);
        Assert.Equal(1, verdict.Figures.Single(f => f.Name.StartsWith("orders resurrected", StringComparison.Ordinal)).Value);
    }

    [Fact]
    public void Judge_ANewerEventNotApplied_Fails() =>
        Assert.Equal(DrillOutcome.Failed, OrderingJudge.Judge(Measure(Order(OrderingScenario.PlacedThenConfirmed, "Earned", 42, "Pending", 42))).Outcome);

    [Fact]
    public void Judge_NothingReachedTheConsumer_IsInconclusive() =>
        Assert.Equal(DrillOutcome.Inconclusive, OrderingJudge.Judge(Measure(Order(OrderingScenario.PlacedThenConfirmed, "Earned", 42, null, null))).Outcome);

    [Fact]
    public void Judge_FirstWaveNeverShowed_IsInconclusive() =>
        Assert.Equal(DrillOutcome.Inconclusive, OrderingJudge.Judge(Measure(Order(OrderingScenario.RejectedBeforePlaced, "Void", 0, "Void", 0)) with { FirstWaveSettled = false }).Outcome);

    private static OrderingOrder Order(OrderingScenario scenario, string expected, long expectedPoints, string? final, long? finalPoints, bool resurrected = false) =>
        new(Guid.NewGuid(), scenario, expected, expectedPoints, final, finalPoints, resurrected);

    private static OrderingMeasurement Measure(params OrderingOrder[] orders) => new(orders, orders.Length * 3, FirstWaveSettled: true, 0.5, 0.5);
}
