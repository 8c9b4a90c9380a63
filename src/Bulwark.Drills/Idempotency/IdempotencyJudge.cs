using Bulwark.Drills.Model;

namespace Bulwark.Drills.Idempotency;

/// <summary>What a (message) Idempotency run saw: the effects of one message delivered several times, per consumer.</summary>
/// <param name="Deliveries">How many times the one message id was delivered.</param>
/// <param name="Effects">Each consumer's effects of the message (e.g. <c>rewards credits</c> → 1), counted after the watch.</param>
public sealed record IdempotencyMeasurement(int Deliveries, IReadOnlyDictionary<string, int> Effects);

/// <summary>Judges a (message) Idempotency run: every consumer shows exactly one effect however often the message came.</summary>
public static class IdempotencyJudge
{
    /// <summary>The verdict for <paramref name="m"/>.</summary>
    public static DrillVerdict Judge(IdempotencyMeasurement m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var figures = new List<DrillFigure> { DrillFigure.Info("deliveries of one message id", m.Deliveries, "deliveries") };
        figures.AddRange(m.Effects.Select(e => new DrillFigure(e.Key, e.Value, "effects", "== 1", e.Value == 1)));
        if (m.Effects.Count == 0 || m.Effects.Values.All(v => v == 0))
        {
            return new DrillVerdict(DrillOutcome.Inconclusive, "No consumer showed any effect of the message: it never reached them (is --bus the target's own queue?), so nothing was tested.", figures, []);
        }

        var failures = new List<string>();
        foreach (var (consumer, count) in m.Effects)
        {
            if (count > 1)
            {
                failures.Add($"{consumer}: {count} effects of one message delivered {m.Deliveries} times — the duplicate was handled again.");
            }
            else if (count == 0)
            {
                failures.Add($"{consumer}: no effect at all — the message was lost or dropped as a duplicate of nothing.");
            }
        }

        var findings = failures.Count == 0
            ? Array.Empty<string>()
            : ["Record the message id in an inbox table in the handler's own transaction and skip ids already there (Codex 15, the consumer side)."];
        return DrillVerdict.FromChecks(
            $"One message delivered {m.Deliveries} times had exactly one effect in each of {m.Effects.Count} consumers.",
            failures,
            figures,
            findings);
    }
}
