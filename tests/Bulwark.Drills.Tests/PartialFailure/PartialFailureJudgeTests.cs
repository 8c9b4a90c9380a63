using Bulwark.Drills.Model;
using Bulwark.Drills.PartialFailure;

namespace Bulwark.Drills.Tests.PartialFailure;

public sealed class PartialFailureJudgeTests
{
    private static readonly PartialFailureOrder[] Consistent =
    [
        new("none (control)", "Confirmed", "Confirmed", "Charged", 1),
        new("reserve-stock", "Rejected", "Rejected", "None", 0),
        new("charge-payment", "Rejected", "Rejected", "Declined", 0),
        new("arrange-shipping", "Rejected", "Rejected", "Refunded", 0),
    ];

    [Fact]
    public void Judge_EveryOrderConsistent_Passes() =>
        Assert.Equal(DrillOutcome.Passed, PartialFailureJudge.Judge(new(Consistent, 0, 0, 100, 99, 1)).Outcome);

    [Fact]
    public void Judge_ReservationLeftBehind_Fails()
    {
        var verdict = PartialFailureJudge.Judge(new(Consistent, 0, 2, 100, 97, 1));

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("zombie reservation", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_RejectedOrderWithALiveCharge_Fails()
    {
        var orders = Consistent.Select(o => o.Position == "arrange-shipping" ? o with { LiveCharges = 1 } : o).ToList();

        var verdict = PartialFailureJudge.Judge(new(orders, 0, 0, 100, 99, 1));

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("money was kept", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_OrderStillPending_Fails() =>
        Assert.Equal(DrillOutcome.Failed, PartialFailureJudge.Judge(new([.. Consistent, new("charge-payment", "Rejected", "Pending", "Uncertain", null)], 0, 0, 100, 99, 1)).Outcome);

    [Fact]
    public void Judge_NoOrders_IsInconclusive() =>
        Assert.Equal(DrillOutcome.Inconclusive, PartialFailureJudge.Judge(new([], 0, 0, 0, 0, 0)).Outcome);
}
