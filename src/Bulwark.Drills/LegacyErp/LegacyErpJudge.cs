using System.Globalization;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.LegacyErp;

/// <summary>One operator sync as the shop reported it, and how long it took.</summary>
/// <param name="BatchId">The delivery the shop applied (its own id for it).</param>
/// <param name="AlreadyApplied">The shop had applied this delivery before and changed nothing.</param>
/// <param name="Applied">Counts applied to the shelf.</param>
/// <param name="Quarantined">Lines set aside for a person.</param>
/// <param name="Latency">From the request to the answer.</param>
public sealed record LegacyErpSync(string BatchId, bool AlreadyApplied, int Applied, int Quarantined, TimeSpan Latency);

/// <summary>A product's stock the drill expected and the one the shop answered.</summary>
/// <param name="ProductId">The product.</param>
/// <param name="Expected">Units the shop should hold.</param>
/// <param name="Actual">Units the shop answered (on hand); null when it did not answer.</param>
public sealed record LegacyErpStockCheck(int ProductId, int Expected, int? Actual)
{
    /// <summary>Whether the shop holds what was expected.</summary>
    public bool Holds => Actual == Expected;
}

/// <summary>What the Legacy ERP drill measured.</summary>
/// <param name="RowsSent">Stock lines in the spoiled export (good and malformed).</param>
/// <param name="Malformed">Malformed lines planted in it.</param>
/// <param name="Clean">The sync of the clean export.</param>
/// <param name="Spoiled">The sync of the export with the malformed lines.</param>
/// <param name="Repeat">The same delivery synced again.</param>
/// <param name="MovedAfterClean">The moved products after the clean sync, against the ERP's counts in units.</param>
/// <param name="MovedAfterSpoiled">The moved products after the spoiled sync, against the ERP's new counts in units.</param>
/// <param name="BadOnly">Products only malformed lines touched: their stock before the spoiled sync against after it.</param>
/// <param name="ChangedByRepeat">Products whose stock the repeated sync changed.</param>
/// <param name="PlantedQuarantined">Planted lines found in the quarantine under the spoiled delivery (each counted once).</param>
/// <param name="PlantedQuarantinedTwice">Planted lines found there more than once.</param>
/// <param name="QuarantineGrowth">How much the quarantine list's total grew with the spoiled sync.</param>
/// <param name="QuarantineGrowthOnRepeat">How much it grew with the repeated sync.</param>
/// <param name="MetricGrowth">How much the quarantined-rows counter grew with the spoiled sync; null when it could not be read.</param>
/// <param name="MetricGrowthOnRepeat">How much it grew with the repeated sync; null when it could not be read.</param>
/// <param name="AnswersRead">Shop answers scanned for the ERP's names.</param>
/// <param name="Leaks">Where an ERP field name or code appeared in a shop answer.</param>
public sealed record LegacyErpMeasurement(
    int RowsSent,
    int Malformed,
    LegacyErpSync Clean,
    LegacyErpSync Spoiled,
    LegacyErpSync Repeat,
    IReadOnlyList<LegacyErpStockCheck> MovedAfterClean,
    IReadOnlyList<LegacyErpStockCheck> MovedAfterSpoiled,
    IReadOnlyList<LegacyErpStockCheck> BadOnly,
    int ChangedByRepeat,
    int PlantedQuarantined,
    int PlantedQuarantinedTwice,
    long QuarantineGrowth,
    long QuarantineGrowthOnRepeat,
    double? MetricGrowth,
    double? MetricGrowthOnRepeat,
    int AnswersRead,
    IReadOnlyList<string> Leaks);

/// <summary>
/// The Legacy ERP drill's verdict, a pure function: every malformed line quarantined and counted once, every good line
/// applied in the shop's units, nothing half applied or applied twice, and no ERP name in the shop's answers.
/// </summary>
public static class LegacyErpJudge
{
    /// <summary>Judges <paramref name="measured"/> against <paramref name="options"/>.</summary>
    public static DrillVerdict Judge(LegacyErpMeasurement measured, LegacyErpOptions options)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(options);
        var movedWrongClean = measured.MovedAfterClean.Where(c => !c.Holds).ToList();
        var movedWrong = measured.MovedAfterSpoiled.Where(c => !c.Holds).ToList();
        var badOnlyChanged = measured.BadOnly.Where(c => !c.Holds).ToList();
        // The spoiled delivery is the clean one's lines with new counts plus the planted ones: what the clean sync set
        // aside (a count below what orders hold, say) is set aside again, and exactly the planted lines on top.
        var extraQuarantined = measured.Spoiled.Quarantined - measured.Clean.Quarantined;
        var repeatChanged = !measured.Repeat.AlreadyApplied && (measured.Repeat.Applied > 0 || measured.Repeat.Quarantined > 0);
        var slowest = new[] { measured.Clean.Latency, measured.Spoiled.Latency, measured.Repeat.Latency }.Max();

        var figures = new List<DrillFigure>
        {
            DrillFigure.Info("stock lines sent in the spoiled export", measured.RowsSent, "lines"),
            DrillFigure.Info("malformed lines planted", measured.Malformed, "lines"),
            DrillFigure.Info("counts applied from the spoiled export", measured.Spoiled.Applied, "counts"),
            DrillFigure.Info("lines quarantined from the spoiled export", measured.Spoiled.Quarantined, "lines"),
            DrillFigure.AtLeast("planted lines found in quarantine", measured.PlantedQuarantined, "lines", measured.Malformed),
            DrillFigure.AtMost("planted lines quarantined more than once", measured.PlantedQuarantinedTwice, "lines", 0),
            new("quarantine growth over the clean sync's", extraQuarantined, "lines", $"= {measured.Malformed}", extraQuarantined == measured.Malformed),
            new("quarantine list growth", measured.QuarantineGrowth, "lines", $"= {measured.Spoiled.Quarantined}", measured.QuarantineGrowth == measured.Spoiled.Quarantined),
            measured.MetricGrowth is { } metric
                ? new("quarantined-rows counter growth", metric, "lines", $"= {measured.Spoiled.Quarantined}", Math.Abs(metric - measured.Spoiled.Quarantined) < 0.5)
                : new("quarantined-rows counter growth", -1, "lines", "-1: not read", null),
            DrillFigure.AtMost("moved products off the ERP's count (clean sync)", movedWrongClean.Count, "products", 0),
            DrillFigure.AtMost("moved products off the ERP's count (spoiled sync)", movedWrong.Count, "products", 0),
            DrillFigure.AtMost("products changed by malformed lines alone", badOnlyChanged.Count, "products", 0),
            DrillFigure.AtMost("products changed by the same delivery synced again", measured.ChangedByRepeat, "products", 0),
            DrillFigure.AtMost("quarantine growth on the same delivery again", measured.QuarantineGrowthOnRepeat, "lines", 0),
            DrillFigure.AtMost("ERP names in shop answers", measured.Leaks.Count, "answers", 0),
            DrillFigure.Info("shop answers scanned", measured.AnswersRead, "answers"),
            DrillFigure.AtMost("sync latency (clean)", measured.Clean.Latency.TotalMilliseconds, "ms", options.MaxSyncLatency.TotalMilliseconds),
            DrillFigure.AtMost("sync latency (spoiled)", measured.Spoiled.Latency.TotalMilliseconds, "ms", options.MaxSyncLatency.TotalMilliseconds),
            DrillFigure.AtMost("sync latency (same delivery again)", measured.Repeat.Latency.TotalMilliseconds, "ms", options.MaxSyncLatency.TotalMilliseconds),
        };

        var failures = new List<string>();
        var findings = new List<string>();
        if (movedWrongClean.Count > 0 || movedWrong.Count > 0)
        {
            var first = movedWrongClean.Concat(movedWrong).First();
            failures.Add(Invariant($"{movedWrongClean.Count + movedWrong.Count} moved product counts did not reach the shelf as the ERP said, in units (product {first.ProductId}: {Units(first.Actual)} held, {first.Expected} expected): the good lines were not applied, or not translated from packs."));
            findings.Add("Translate every good line into the shop's own units (packs × pack size) and apply it; a clean line lost is stock the shop sells that it does not have, or the reverse.");
        }

        if (badOnlyChanged.Count > 0)
        {
            var first = badOnlyChanged[0];
            failures.Add(Invariant($"{badOnlyChanged.Count} products touched only by malformed lines changed (product {first.ProductId}: {first.Expected} → {Units(first.Actual)} units): the ERP's garbage reached the clean model."));
            findings.Add("Reject a line that does not read cleanly whole, with its reason, in the anti-corruption layer's translator; never guess a number, a pack size or a decimal separator (Codex 08).");
        }

        if (measured.PlantedQuarantined < measured.Malformed || measured.PlantedQuarantinedTwice > 0 || extraQuarantined != measured.Malformed)
        {
            failures.Add(Invariant($"{measured.PlantedQuarantined} of {measured.Malformed} malformed lines are in the quarantine ({measured.PlantedQuarantinedTwice} more than once), and the spoiled sync set aside {extraQuarantined} lines more than the clean one: every malformed line must be quarantined exactly once."));
            findings.Add("Quarantine every rejected line with its delivery, line number and reason, in the same transaction as the good counts, so a person can read it and nothing is lost or doubled.");
        }

        if (measured.QuarantineGrowth != measured.Spoiled.Quarantined)
        {
            failures.Add(Invariant($"The quarantine list grew by {measured.QuarantineGrowth} lines but the sync reported {measured.Spoiled.Quarantined}: what operators read is not what was set aside."));
        }

        if (measured.MetricGrowth is { } counted && Math.Abs(counted - measured.Spoiled.Quarantined) >= 0.5)
        {
            failures.Add(Invariant($"The quarantined-rows counter grew by {counted:0} but {measured.Spoiled.Quarantined} lines were quarantined: the alert on garbage from the ERP would miscount."));
        }

        if (repeatChanged || measured.ChangedByRepeat > 0 || measured.QuarantineGrowthOnRepeat != 0 || measured.MetricGrowthOnRepeat is > 0)
        {
            failures.Add(Invariant($"The same delivery synced again was applied again ({measured.Repeat.Applied} counts, {measured.Repeat.Quarantined} lines quarantined, {measured.ChangedByRepeat} products changed, quarantine +{measured.QuarantineGrowthOnRepeat}): a delivery must be applied once."));
            findings.Add("Identify each delivery (the ERP's batch number) and record it in the transaction that applies it; a delivery already recorded changes nothing.");
        }

        if (measured.Leaks.Count > 0)
        {
            failures.Add($"An ERP name or code appeared in {measured.Leaks.Count} shop answers (first: {measured.Leaks[0]}): the vendor's model crossed into the shop's.");
            findings.Add("Keep the ERP's field names, codes and routes inside the translator and facade; answer in the module's own terms.");
        }

        if (slowest > options.MaxSyncLatency)
        {
            failures.Add(Invariant($"The slowest sync took {slowest.TotalMilliseconds:0} ms, over the {options.MaxSyncLatency.TotalMilliseconds:0} ms allowed."));
        }

        return DrillVerdict.FromChecks(
            Invariant($"{measured.RowsSent} lines sent with {measured.Malformed} malformed: {measured.Spoiled.Applied} counts applied in units, {measured.Spoiled.Quarantined} lines quarantined ({measured.Malformed} planted, each once, counted), products touched only by bad lines unchanged, the same delivery again changed nothing, no ERP name in {measured.AnswersRead} shop answers; syncs took {measured.Clean.Latency.TotalMilliseconds:0}/{measured.Spoiled.Latency.TotalMilliseconds:0}/{measured.Repeat.Latency.TotalMilliseconds:0} ms."),
            failures,
            figures,
            findings);
    }

    private static string Units(int? actual) => actual?.ToString(CultureInfo.InvariantCulture) ?? "no answer";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
