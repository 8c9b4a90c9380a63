using System.Globalization;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.PartialFailure;

/// <summary>One order of the drill and how it ended.</summary>
/// <param name="Position">The saga step made to fail (<c>none</c> for a control order).</param>
/// <param name="ExpectedStatus">The final state it must reach: <c>Confirmed</c> or <c>Rejected</c>.</param>
/// <param name="Status">The state it was in when the drill judged.</param>
/// <param name="Payment">The order's payment state.</param>
/// <param name="LiveCharges">Charges the provider still holds for it (null when the ledger was not read).</param>
public sealed record PartialFailureOrder(string Position, string ExpectedStatus, string Status, string? Payment, int? LiveCharges);

/// <summary>What the drill saw: every order, and the product's stock before and after.</summary>
/// <param name="Orders">Every order placed.</param>
/// <param name="ReservedBefore">Units reserved before the drill.</param>
/// <param name="ReservedAfter">Units reserved after every order ended.</param>
/// <param name="AvailableBefore">Units available before.</param>
/// <param name="AvailableAfter">Units available after.</param>
/// <param name="UnitsSold">Units the confirmed control orders took.</param>
public sealed record PartialFailureMeasurements(
    IReadOnlyList<PartialFailureOrder> Orders,
    int ReservedBefore,
    int ReservedAfter,
    int AvailableBefore,
    int AvailableAfter,
    int UnitsSold);

/// <summary>Judges a Partial Failure run: every order final and consistent, no reservation left behind, no charge kept for a rejected order.</summary>
public static class PartialFailureJudge
{
    // Payment states that mean the customer's money is not (or no longer) with the shop.
    private static readonly string[] NoMoneyKept = ["None", "Declined", "Refunded", "NothingCharged"];

    /// <summary>The verdict for <paramref name="m"/>.</summary>
    public static DrillVerdict Judge(PartialFailureMeasurements m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var c = CultureInfo.InvariantCulture;
        if (m.Orders.Count == 0)
        {
            return DrillVerdict.Inconclusive("No order was accepted, so no saga ran.");
        }

        var stuck = m.Orders.Where(o => o.Status is not ("Confirmed" or "Rejected")).ToList();
        var wrong = m.Orders.Where(o => o.Status is "Confirmed" or "Rejected" && o.Status != o.ExpectedStatus).ToList();
        var moneyKept = m.Orders.Where(o => o.Status == "Rejected" && (!NoMoneyKept.Contains(o.Payment ?? "None", StringComparer.Ordinal) || o.LiveCharges > 0)).ToList();
        var confirmedUnpaid = m.Orders.Where(o => o.Status == "Confirmed" && o.Payment != "Charged").ToList();
        var reservationsLeft = m.ReservedAfter - m.ReservedBefore;
        var stockDrift = m.AvailableBefore - m.UnitsSold - m.AvailableAfter;
        var figures = new List<DrillFigure>
        {
            DrillFigure.Info("orders", m.Orders.Count, "orders"),
            DrillFigure.AtMost("orders not in a final state", stuck.Count, "orders", 0),
            DrillFigure.AtMost("orders in the wrong final state", wrong.Count, "orders", 0),
            DrillFigure.AtMost("rejected orders whose money was kept", moneyKept.Count, "orders", 0),
            DrillFigure.AtMost("confirmed orders without a charge", confirmedUnpaid.Count, "orders", 0),
            DrillFigure.AtMost("reservations left behind", reservationsLeft, "units", 0),
            DrillFigure.AtMost("stock lost or found", Math.Abs(stockDrift), "units", 0),
        };
        var failures = new List<string>();
        Add(failures, stuck, "never reached a final state", c);
        Add(failures, wrong, "ended in the wrong state", c);
        Add(failures, moneyKept, "were rejected but the money was kept", c);
        Add(failures, confirmedUnpaid, "were confirmed without a charge", c);
        if (reservationsLeft != 0)
        {
            failures.Add(string.Create(c, $"{reservationsLeft} unit(s) stayed reserved after every order ended: a zombie reservation."));
        }

        if (stockDrift != 0)
        {
            failures.Add(string.Create(c, $"Available stock moved by {m.AvailableBefore - m.AvailableAfter} for {m.UnitsSold} unit(s) sold."));
        }

        var positions = string.Join(", ", m.Orders.Select(o => o.Position).Distinct());
        return DrillVerdict.FromChecks(
            string.Create(c, $"All {m.Orders.Count} orders ended consistently with a step failing at each position ({positions}): no reservation left, no money kept for a rejected order."),
            failures,
            figures,
            []);
    }

    private static void Add(List<string> failures, List<PartialFailureOrder> orders, string what, CultureInfo c)
    {
        if (orders.Count > 0)
        {
            var detail = string.Join("; ", orders.GroupBy(o => o.Position).Select(g => string.Create(c, $"{g.Key}: {g.Count()} ({g.First().Status}, payment {g.First().Payment ?? "none"})")));
            failures.Add(string.Create(c, $"{orders.Count} order(s) {what} — {detail}."));
        }
    }
}
