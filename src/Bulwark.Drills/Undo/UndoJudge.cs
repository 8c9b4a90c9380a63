using Bulwark.Drills.Model;

namespace Bulwark.Drills.Undo;

/// <summary>What the Undo drill observed.</summary>
/// <param name="Blue">The slot live at the start.</param>
/// <param name="Green">The slot switched to and back from.</param>
/// <param name="UnfitStatus">The edge's answer to a switch to the unfit slot (422 refused, 404 not configured).</param>
/// <param name="ToGreenStatus">The answer to the switch to green.</param>
/// <param name="BackStatus">The answer to the switch back.</param>
/// <param name="SwitchBackMs">How long the switch back took, gate and drain included.</param>
/// <param name="ToGreenDrained">Whether blue's in-flight requests had drained when the switch to green answered.</param>
/// <param name="BackDrained">Whether green's had drained when the switch back answered.</param>
/// <param name="LeftInFlight">Requests still in flight to the old slot when a switch answered, both switches.</param>
/// <param name="CustomerRequests">Customer requests sent through the edge.</param>
/// <param name="CustomerFailures">Those answered 5xx or 429, or not at all.</param>
/// <param name="ServedByGreen">Customer requests green served.</param>
/// <param name="LiveAtEnd">The live slot after the drill.</param>
/// <param name="FailureSamples">The first failures.</param>
public sealed record UndoMeasurements(
    string Blue, string Green, int UnfitStatus, int ToGreenStatus, int BackStatus, double SwitchBackMs, bool ToGreenDrained, bool BackDrained,
    long LeftInFlight, long CustomerRequests, long CustomerFailures, long ServedByGreen, string LiveAtEnd, IReadOnlyList<string> FailureSamples);

/// <summary>The Undo drill's verdict rules, pure so they are tested without a network.</summary>
public static class UndoJudge
{
    /// <summary>Passed when the unfit slot was refused, both switches ran and drained, no customer request failed and the switch back was fast.</summary>
    public static DrillVerdict Judge(UndoMeasurements m, UndoOptions options)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(options);
        var figures = new List<DrillFigure>
        {
            DrillFigure.AtMost("customer requests failed", m.CustomerFailures, "requests", 0),
            DrillFigure.AtMost("switch back", m.SwitchBackMs, "ms", options.MaxSwitchBack.TotalMilliseconds),
            DrillFigure.AtMost("requests in flight to the old slot when a switch answered", Math.Max(0, m.LeftInFlight), "requests", 0),
            DrillFigure.Info("customer requests", m.CustomerRequests, "requests"),
            DrillFigure.Info($"served by {m.Green}", m.ServedByGreen, "requests"),
            DrillFigure.Info($"switch to {options.UnfitSlot} answered", m.UnfitStatus, "status"),
        };
        var failures = new List<string>();
        var findings = new List<string>();
        switch (m.UnfitStatus)
        {
            case 422:
                break;
            case 404:
                failures.Add($"The edge has no slot '{options.UnfitSlot}', so the smoke gate was not tried.");
                findings.Add($"Configure a slot where nothing answers, e.g. Edge:Release:Slots:{options.UnfitSlot}=http://127.0.0.1:5119 (deploy/edge/start.sh green does).");
                break;
            default:
                failures.Add($"A switch to '{options.UnfitSlot}', which cannot pass a smoke gate, answered {m.UnfitStatus} instead of being refused (422).");
                findings.Add("Keep Edge:Release:Smoke:Enabled on and list real reads in Edge:Release:Smoke:Paths: a switch must prove the new slot serves before it takes traffic.");
                break;
        }

        if (m.ToGreenStatus != 200 || m.BackStatus != 200)
        {
            failures.Add($"The switch to '{m.Green}' answered {m.ToGreenStatus} and the switch back {m.BackStatus}.");
        }
        else if (m.ServedByGreen == 0)
        {
            failures.Add($"'{m.Green}' served no customer request while it was live: the switch did not take effect.");
        }

        if (m.CustomerFailures > 0)
        {
            failures.Add($"{m.CustomerFailures} of {m.CustomerRequests} customer requests failed, e.g. {string.Join("; ", m.FailureSamples.Take(3))}.");
        }

        if (m.SwitchBackMs > options.MaxSwitchBack.TotalMilliseconds)
        {
            failures.Add($"The switch back took {m.SwitchBackMs:0} ms (at most {options.MaxSwitchBack.TotalMilliseconds:0}).");
        }

        // Only a switch that happened has something to drain.
        if ((m.ToGreenStatus == 200 && !m.ToGreenDrained) || (m.BackStatus == 200 && !m.BackDrained))
        {
            failures.Add($"A switch answered with {Math.Max(0, m.LeftInFlight)} requests still in flight to the slot it left: stopping that process now would cut them.");
            findings.Add("Let a switch wait for the old slot to drain (Edge:Release:DrainTimeout above the slowest request) before anyone stops it.");
        }

        if (!string.Equals(m.LiveAtEnd, m.Blue, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"'{m.LiveAtEnd}' is live after the drill, not '{m.Blue}'.");
        }

        return DrillVerdict.FromChecks(
            $"Switched to '{m.Green}' and back under load: {m.CustomerRequests} customer requests, 0 failed; switch back {m.SwitchBackMs:0} ms; the unfit slot was refused; both old slots drained.",
            failures, figures, findings);
    }
}
