using Bulwark.Drills.Model;

namespace Bulwark.Drills.SplitBrain;

/// <summary>One instance's answers in one phase of the Split-Brain drill.</summary>
/// <param name="BrowseSent">Product pages requested.</param>
/// <param name="BrowseErrors">Product pages answered 5xx or not at all.</param>
/// <param name="BrowseP99Ms">The product pages' p99 latency.</param>
/// <param name="MoneySent">Deposits sent.</param>
/// <param name="MoneyAcknowledged">Deposits answered 2xx.</param>
/// <param name="MoneyErrors">Deposits answered 5xx or not at all.</param>
public sealed record SplitBrainSide(int BrowseSent, int BrowseErrors, double BrowseP99Ms, int MoneySent, int MoneyAcknowledged, int MoneyErrors)
{
    /// <summary>Nothing sent.</summary>
    public static SplitBrainSide None { get; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>Browse errors over browse requests (0 when none were sent).</summary>
    public double BrowseErrorRate => BrowseSent == 0 ? 0 : (double)BrowseErrors / BrowseSent;

    /// <summary>Money errors over money requests (0 when none were sent).</summary>
    public double MoneyErrorRate => MoneySent == 0 ? 0 : (double)MoneyErrors / MoneySent;
}

/// <summary>Both instances' answers in one phase.</summary>
/// <param name="A">Instance A, which keeps its database.</param>
/// <param name="B">Instance B, the one partitioned.</param>
public sealed record SplitBrainPhase(SplitBrainSide A, SplitBrainSide B);

/// <summary>What the post-heal audit read back: every wallet's history (operator endpoint) and balance on both instances.</summary>
/// <param name="Wallets">Wallets audited.</param>
/// <param name="Acknowledged">Deposits answered 2xx by either instance, in any phase.</param>
/// <param name="Lost">Acknowledged deposits missing from the history.</param>
/// <param name="Duplicated">Deposits present more than once in the history.</param>
/// <param name="UnacknowledgedApplied">Deposits refused or unanswered that are in the history anyway (a commit the cut hid from its caller).</param>
/// <param name="Foreign">Deposits in the history that the drill never sent.</param>
/// <param name="BalanceMismatches">Wallets whose balance on A or B differs from the sum of their history, or A's from B's.</param>
/// <param name="Examples">A few of the differences, for the report.</param>
public sealed record SplitBrainAudit(int Wallets, int Acknowledged, int Lost, int Duplicated, int UnacknowledgedApplied, int Foreign, int BalanceMismatches, IReadOnlyList<string> Examples);

/// <summary>What the Split-Brain drill observed.</summary>
/// <param name="Baseline">Instance A then B, before the partition.</param>
/// <param name="Partition">Instance A then B, while B was cut off from the database.</param>
/// <param name="Healed">Instance A then B, after healing.</param>
/// <param name="PartitionedMoneyAfterGrace">Deposits sent to B at least the grace after the cut.</param>
/// <param name="PartitionedAcknowledgedAfterGrace">Of those, answered 2xx: money acknowledged without the database.</param>
/// <param name="PartitionedUnclearRefusals">Of those, neither 2xx nor a 503: a 500, another status or no answer at all.</param>
/// <param name="TimeToReady">From healing to B answering ready; null if it did not within the bound.</param>
/// <param name="Audit">The post-heal audit; null when it could not be read.</param>
public sealed record SplitBrainMeasurement(
    SplitBrainPhase Baseline,
    SplitBrainPhase Partition,
    SplitBrainPhase Healed,
    int PartitionedMoneyAfterGrace,
    int PartitionedAcknowledgedAfterGrace,
    int PartitionedUnclearRefusals,
    TimeSpan? TimeToReady,
    SplitBrainAudit? Audit);

/// <summary>Split-Brain's verdict rules, pure so they can be tested without a network.</summary>
public static class SplitBrainJudge
{
    /// <summary>
    /// Passed when, with B cut off, B refused every deposit with a 503 (consistency), product pages kept answering on
    /// both instances within the error and p99 bounds and A kept taking deposits (availability), B was ready again in
    /// time and took deposits, and the audit found every acknowledged deposit exactly once with equal balances on both
    /// instances (nothing diverged).
    /// </summary>
    public static DrillVerdict Judge(SplitBrainMeasurement measured, SplitBrainOptions options)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(options);
        if (measured.PartitionedMoneyAfterGrace == 0)
        {
            return DrillVerdict.Inconclusive($"No deposit reached instance B later than {options.PartitionGrace.TotalSeconds:F1} s into the partition, so nothing shows which side B chose; lengthen Partition or raise RatePerSecond.");
        }

        if (measured.Audit is null)
        {
            return DrillVerdict.Inconclusive("The post-heal audit could not read the wallets back, so divergence was not measured.");
        }

        var (pa, pb) = (measured.Partition.A, measured.Partition.B);
        var audit = measured.Audit;
        var browse = new[] { measured.Baseline.A, measured.Baseline.B, pa, pb, measured.Healed.A, measured.Healed.B };
        var browseSent = browse.Sum(s => s.BrowseSent);
        var browseErrorRate = browseSent == 0 ? 0 : (double)browse.Sum(s => s.BrowseErrors) / browseSent;
        var readyMs = measured.TimeToReady?.TotalMilliseconds ?? -1;
        var figures = new List<DrillFigure>
        {
            DrillFigure.Info("deposits sent to B after the grace, partitioned", measured.PartitionedMoneyAfterGrace, "requests"),
            DrillFigure.AtMost("of those acknowledged 2xx without the database", measured.PartitionedAcknowledgedAfterGrace, "requests", 0),
            DrillFigure.AtMost("of those refused with anything but a 503", measured.PartitionedUnclearRefusals, "requests", 0),
            DrillFigure.AtMost("product pages 5xx or unanswered, both instances, all phases", Math.Round(browseErrorRate * 100, 2), "%", options.MaxBrowseErrorRate * 100),
            DrillFigure.AtMost("product page p99 on A, partitioned", pa.BrowseP99Ms, "ms", options.MaxBrowseP99Ms),
            DrillFigure.AtMost("product page p99 on B, partitioned", pb.BrowseP99Ms, "ms", options.MaxBrowseP99Ms),
            DrillFigure.AtMost("deposits on A 5xx or unanswered, partitioned", Math.Round(pa.MoneyErrorRate * 100, 2), "%", options.MaxHealthySideMoneyErrorRate * 100),
            DrillFigure.Info("deposits acknowledged on A, partitioned", pa.MoneyAcknowledged, "requests"),
            DrillFigure.AtMost("time to ready on B after healing", readyMs, "ms", options.HealWithin.TotalMilliseconds),
            DrillFigure.AtLeast("deposits acknowledged on B after healing", measured.Healed.B.MoneyAcknowledged, "requests", 1),
            DrillFigure.Info("wallets audited", audit.Wallets, "wallets"),
            DrillFigure.Info("deposits acknowledged 2xx, either instance, all phases", audit.Acknowledged, "requests"),
            DrillFigure.AtMost("acknowledged deposits missing from the database", audit.Lost, "deposits", 0),
            DrillFigure.AtMost("deposits applied more than once", audit.Duplicated, "deposits", 0),
            DrillFigure.AtMost("deposits in the database the drill never sent", audit.Foreign, "deposits", 0),
            DrillFigure.AtMost("wallets whose balances differ (A, B, history)", audit.BalanceMismatches, "wallets", 0),
            DrillFigure.Info("refused or unanswered deposits applied anyway", audit.UnacknowledgedApplied, "deposits"),
        };
        var failures = new List<string>();
        var findings = new List<string>();
        if (measured.PartitionedAcknowledgedAfterGrace > 0)
        {
            failures.Add($"Instance B acknowledged {measured.PartitionedAcknowledgedAfterGrace} of {measured.PartitionedMoneyAfterGrace} deposits while cut off from the database: it chose availability for money.");
        }

        if (measured.PartitionedUnclearRefusals > 0)
        {
            failures.Add($"Instance B answered {measured.PartitionedUnclearRefusals} deposits with a 500, another status or nothing at all instead of a 503 problem a client can retry on.");
        }

        if (browseErrorRate > options.MaxBrowseErrorRate)
        {
            failures.Add($"{browseErrorRate:P1} of product pages failed (at most {options.MaxBrowseErrorRate:P1}): browsing did not stay available.");
        }

        if (pa.BrowseP99Ms > options.MaxBrowseP99Ms || pb.BrowseP99Ms > options.MaxBrowseP99Ms)
        {
            failures.Add($"Product page p99 during the partition was {pa.BrowseP99Ms:F0} ms on A and {pb.BrowseP99Ms:F0} ms on B (at most {options.MaxBrowseP99Ms:F0} ms).");
        }

        if (pa.MoneyErrorRate > options.MaxHealthySideMoneyErrorRate)
        {
            failures.Add($"Instance A, which still reached the database, failed {pa.MoneyErrorRate:P1} of its deposits during the partition.");
        }

        if (measured.TimeToReady is null || measured.TimeToReady > options.HealWithin)
        {
            failures.Add($"Instance B did not answer ready within {options.HealWithin.TotalSeconds:F0} s of healing.");
        }
        else if (measured.Healed.B.MoneyAcknowledged == 0)
        {
            failures.Add("Instance B took no deposit after healing.");
        }

        if (audit.Lost > 0 || audit.Duplicated > 0 || audit.Foreign > 0 || audit.BalanceMismatches > 0)
        {
            failures.Add($"The data diverged: {audit.Lost} acknowledged deposit(s) lost, {audit.Duplicated} applied twice, {audit.Foreign} unknown, {audit.BalanceMismatches} wallet(s) with differing balances.");
            findings.AddRange(audit.Examples);
        }

        if (audit.UnacknowledgedApplied > 0)
        {
            findings.Add($"{audit.UnacknowledgedApplied} deposit(s) answered with an error or not at all are in the database: the cut came after their commit. " +
                "A client that retries with the same Idempotency-Key gets the original answer; one that does not must read the wallet first.");
        }

        return DrillVerdict.FromChecks(
            $"Cut off from the database, B refused all {measured.PartitionedMoneyAfterGrace} later deposits with 503 while both instances kept serving product pages " +
            $"(p99 {pa.BrowseP99Ms:F0} ms on A, {pb.BrowseP99Ms:F0} ms on B) and A took {pa.MoneyAcknowledged} deposits; after healing, all {audit.Acknowledged} acknowledged deposits " +
            $"are in the database exactly once and both instances show the same balances.",
            failures,
            figures,
            findings);
    }
}
