using System.Globalization;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.PoisonPill;

/// <summary>What the Poison Pill drill saw once the returns settled (or the wait ran out).</summary>
/// <param name="PoisonSent">Poison returns accepted by the target.</param>
/// <param name="GoodSent">Good returns accepted by the target.</param>
/// <param name="GoodCompleted">Good returns that reached <c>completed</c>.</param>
/// <param name="GoodRejected">Good returns wrongly rejected.</param>
/// <param name="GoodSlowestSeconds">The slowest good return, accepted to completed (of those completed).</param>
/// <param name="PoisonRejected">Poison returns marked <c>rejected</c>.</param>
/// <param name="PoisonDeadLettered">Poison messages found in the DLQ.</param>
/// <param name="PoisonMaxAttempts">The most attempts a dead-lettered poison message took (0 when none).</param>
/// <param name="Waited">How long the drill waited for everything to settle.</param>
public sealed record PoisonPillMeasurements(
    int PoisonSent,
    int GoodSent,
    int GoodCompleted,
    int GoodRejected,
    double GoodSlowestSeconds,
    int PoisonRejected,
    int PoisonDeadLettered,
    int PoisonMaxAttempts,
    TimeSpan Waited);

/// <summary>Judges a Poison Pill run: the poison in the DLQ after a bounded number of attempts, and the good ones completed meanwhile.</summary>
public static class PoisonPillJudge
{
    /// <summary>The verdict for <paramref name="m"/> under <paramref name="options"/>.</summary>
    public static DrillVerdict Judge(PoisonPillMeasurements m, PoisonPillOptions options)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(options);
        var c = CultureInfo.InvariantCulture;
        if (m.PoisonSent == 0 || m.GoodSent == 0)
        {
            return DrillVerdict.Inconclusive($"The target accepted {m.PoisonSent} poison and {m.GoodSent} good returns; the drill needs both to say anything.");
        }

        var figures = new List<DrillFigure>
        {
            DrillFigure.AtLeast("good returns completed", m.GoodCompleted, "returns", m.GoodSent),
            DrillFigure.AtMost("good returns rejected", m.GoodRejected, "returns", 0),
            DrillFigure.AtMost("slowest good return", m.GoodSlowestSeconds, "s", options.GoodWithin.TotalSeconds),
            DrillFigure.AtLeast("poison messages in the DLQ", m.PoisonDeadLettered, "messages", m.PoisonSent),
            DrillFigure.AtMost("attempts before the DLQ", m.PoisonMaxAttempts, "attempts", options.MaxPoisonAttempts),
            DrillFigure.Info("poison returns marked rejected", m.PoisonRejected, "returns"),
            DrillFigure.Info("waited", m.Waited.TotalSeconds, "s"),
        };
        var failures = new List<string>();
        if (m.GoodCompleted < m.GoodSent)
        {
            failures.Add(string.Create(c, $"{m.GoodSent - m.GoodCompleted} of {m.GoodSent} good returns were not completed within {options.SettleWithin.TotalSeconds:0} s: the poison pill held up the queue."));
        }
        else if (m.GoodSlowestSeconds > options.GoodWithin.TotalSeconds)
        {
            failures.Add(string.Create(c, $"The slowest good return took {m.GoodSlowestSeconds:0.0} s, over {options.GoodWithin.TotalSeconds:0.#} s: it waited behind the poison pill."));
        }

        if (m.GoodRejected > 0)
        {
            failures.Add(string.Create(c, $"{m.GoodRejected} good returns were rejected."));
        }

        if (m.PoisonDeadLettered < m.PoisonSent)
        {
            failures.Add(string.Create(c, $"{m.PoisonSent - m.PoisonDeadLettered} of {m.PoisonSent} poison messages never reached the DLQ within {options.SettleWithin.TotalSeconds:0} s: the consumer keeps retrying a message it can never handle."));
        }
        else if (m.PoisonMaxAttempts > options.MaxPoisonAttempts)
        {
            failures.Add(string.Create(c, $"A poison message took {m.PoisonMaxAttempts} attempts before the DLQ, over {options.MaxPoisonAttempts}."));
        }

        var findings = new List<string>();
        if (m.PoisonDeadLettered > 0 && m.PoisonMaxAttempts > 1)
        {
            findings.Add(string.Create(c, $"The poison was retried ({m.PoisonMaxAttempts} attempts) though its error can never go away: classify it as permanent (PermanentMessageException) to dead-letter it at once."));
        }

        if (m.PoisonRejected < m.PoisonDeadLettered)
        {
            findings.Add("A dead-lettered return is not marked rejected: its customer still sees it pending.");
        }

        return DrillVerdict.FromChecks(
            string.Create(c, $"{m.PoisonDeadLettered} poison message(s) went to the DLQ after {m.PoisonMaxAttempts} attempt(s) while all {m.GoodSent} good returns completed, the slowest in {m.GoodSlowestSeconds:0.0} s."),
            failures,
            figures,
            findings);
    }
}
