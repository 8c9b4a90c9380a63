using System.Globalization;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.Ordering;

/// <summary>How one order's events were reordered on the bus.</summary>
public enum OrderingScenario
{
    /// <summary>Confirmed is delivered and applied, then the (older) placed event, and the confirmed one again.</summary>
    ConfirmedBeforePlaced,

    /// <summary>Rejected (the shop's "cancelled") is delivered and applied, then the (older) placed event: the Codex's question.</summary>
    RejectedBeforePlaced,

    /// <summary>Placed, then confirmed with the placed event redelivered beside it: the newer event must still apply.</summary>
    PlacedThenConfirmed,

    /// <summary>Placed twice (a redelivery), then rejected: the newer event must still apply.</summary>
    PlacedThenRejected,
}

/// <summary>One order of an Ordering run: what it should end as and what the consumer showed.</summary>
/// <param name="OrderId">The order.</param>
/// <param name="Scenario">How its events were reordered.</param>
/// <param name="ExpectedStatus">The status every delivery order must end in.</param>
/// <param name="ExpectedPoints">The points that status carries.</param>
/// <param name="FinalStatus">What the view showed last; null when the order never appeared.</param>
/// <param name="FinalPoints">The points it showed last.</param>
/// <param name="Resurrected">A terminal order was seen back in the pending state after its outcome had been applied.</param>
public sealed record OrderingOrder(Guid OrderId, OrderingScenario Scenario, string ExpectedStatus, long ExpectedPoints, string? FinalStatus, long? FinalPoints, bool Resurrected);

/// <summary>What an Ordering run saw.</summary>
/// <param name="Orders">Every order with its expectation and outcome.</param>
/// <param name="Messages">How many messages were published (duplicates included).</param>
/// <param name="FirstWaveSettled">Whether every order showed the first wave's effects (the overtaking events were applied before the late ones were sent).</param>
/// <param name="FirstWaveSeconds">How long the first wave took to show.</param>
/// <param name="SecondWaveSeconds">How long the second wave's visible effects took to show (the watch comes after).</param>
public sealed record OrderingMeasurement(IReadOnlyList<OrderingOrder> Orders, int Messages, bool FirstWaveSettled, double FirstWaveSeconds, double SecondWaveSeconds);

/// <summary>Judges an Ordering run: every order ends in the state its newest event says, whatever order its events came in.</summary>
public static class OrderingJudge
{
    /// <summary>The verdict for <paramref name="m"/>.</summary>
    public static DrillVerdict Judge(OrderingMeasurement m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var right = m.Orders.Count(o => o.FinalStatus == o.ExpectedStatus && o.FinalPoints == o.ExpectedPoints);
        var resurrected = m.Orders.Count(o => o.Resurrected || (o.ExpectedStatus != "Pending" && o.FinalStatus == "Pending"));
        var figures = new List<DrillFigure>
        {
            DrillFigure.Info("messages published (duplicates included)", m.Messages, "messages"),
            DrillFigure.AtLeast("orders in the right final state", right, "orders", m.Orders.Count),
            DrillFigure.AtMost("orders resurrected (a late older event undid the outcome)", resurrected, "orders", 0),
            DrillFigure.Info("first wave visible after", m.FirstWaveSeconds, "s"),
            DrillFigure.Info("second wave visible after", m.SecondWaveSeconds, "s"),
        };
        if (m.Orders.Count == 0 || m.Orders.All(o => o.FinalStatus is null))
        {
            return new DrillVerdict(DrillOutcome.Inconclusive, "No order ever appeared in the consumer's view: the events never reached it (is --bus the target's own queue?), so nothing was tested.", figures, []);
        }

        if (!m.FirstWaveSettled)
        {
            return new DrillVerdict(DrillOutcome.Inconclusive, "The first wave's effects did not all show in time, so the late events may not have arrived late: the reordering was not tested. Raise SettleWithin on a loaded machine.", figures, []);
        }

        var failures = new List<string>();
        foreach (var group in m.Orders.Where(o => o.FinalStatus != o.ExpectedStatus || o.FinalPoints != o.ExpectedPoints || o.Resurrected).GroupBy(o => o.Scenario))
        {
            var first = group.First();
            failures.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{group.Key}: {group.Count()} order(s) ended {first.FinalStatus ?? "missing"} with {first.FinalPoints?.ToString(CultureInfo.InvariantCulture) ?? "no"} points instead of {first.ExpectedStatus} with {first.ExpectedPoints}{(group.Any(o => o.Resurrected) ? " — the late older event overwrote the outcome (resurrected)" : string.Empty)}."));
        }

        var findings = failures.Count == 0
            ? Array.Empty<string>()
            : ["Carry each event's position in its entity's lifecycle (a sequence number set by the producer) and apply an event only if it is newer than the last one applied, in the handler's transaction (Codex Messaging checklist 2; Bulwark's ISequenceGuard)."];
        return DrillVerdict.FromChecks(
            string.Create(CultureInfo.InvariantCulture, $"All {m.Orders.Count} orders ended in the state of their newest event though their events came reordered and duplicated ({m.Messages} messages); none resurrected."),
            failures,
            figures,
            findings);
    }
}
