using Bulwark.Drills.Model;

namespace Bulwark.Drills.ExpandContract;

/// <summary>What the expand-contract drill observed.</summary>
/// <param name="OldSlot">The old release's slot.</param>
/// <param name="NewSlot">The new release's slot.</param>
/// <param name="NewReady">Whether the new release passed the smoke gate (its canary started) in time.</param>
/// <param name="NewReadyMs">How long after the load began it did.</param>
/// <param name="CustomerRequests">Customer requests through the edge until the old release stopped.</param>
/// <param name="CustomerFailures">Those answered 5xx or 429, or not at all.</param>
/// <param name="ServedByOld">Customer requests the old release served.</param>
/// <param name="ServedByNew">Customer requests the new release served while the old one still ran.</param>
/// <param name="OldToNew">Accounts the old release registered that the new one signed in, and how many were tried.</param>
/// <param name="NewToOld">Accounts the new release registered that the old one signed in, and how many were tried.</param>
/// <param name="PromoteStatus">The edge's answer to promoting the new release.</param>
/// <param name="OldStopped">Whether the old release's process was stopped before the contract step.</param>
/// <param name="ContractStatus">The shop's answer to <c>POST /api/schema/contract</c> (0 when not asked).</param>
/// <param name="ContractSteps">Contract steps applied.</param>
/// <param name="AfterContract">Accounts either release registered that sign in after the contract step, and how many were tried.</param>
/// <param name="AfterContractFailures">Customer requests that failed after the contract step.</param>
/// <param name="FailureSamples">The first failures.</param>
public sealed record ExpandContractMeasurements(
    string OldSlot, string NewSlot, bool NewReady, double NewReadyMs, long CustomerRequests, long CustomerFailures, long ServedByOld, long ServedByNew,
    (int Ok, int Tried) OldToNew, (int Ok, int Tried) NewToOld, int PromoteStatus, bool OldStopped, int ContractStatus, int ContractSteps,
    (int Ok, int Tried) AfterContract, long AfterContractFailures, IReadOnlyList<string> FailureSamples);

/// <summary>The expand-contract drill's verdict rules, pure so they are tested without a network.</summary>
public static class ExpandContractJudge
{
    /// <summary>
    /// Passed when both releases served with errors under the bound, each saw the other's writes, the new release went
    /// live, the old one stopped, and the contract step ran without failing a request or losing an account.
    /// </summary>
    public static DrillVerdict Judge(ExpandContractMeasurements m, ExpandContractOptions options)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(options);
        var rate = m.CustomerRequests == 0 ? 0 : (double)m.CustomerFailures / m.CustomerRequests;
        var figures = new List<DrillFigure>
        {
            DrillFigure.AtMost("customer error rate, both releases serving", rate * 100, "%", options.MaxErrorRate * 100),
            DrillFigure.AtLeast($"old accounts signed in by {m.NewSlot}", m.OldToNew.Ok, "accounts", m.OldToNew.Tried),
            DrillFigure.AtLeast($"new accounts signed in by {m.OldSlot}", m.NewToOld.Ok, "accounts", m.NewToOld.Tried),
            DrillFigure.AtLeast("accounts signed in after the contract step", m.AfterContract.Ok, "accounts", m.AfterContract.Tried),
            DrillFigure.AtMost("customer requests failed after the contract step", m.AfterContractFailures, "requests", 0),
            DrillFigure.Info("customer requests", m.CustomerRequests, "requests"),
            DrillFigure.Info("customer requests failed", m.CustomerFailures, "requests"),
            DrillFigure.Info($"served by {m.OldSlot}", m.ServedByOld, "requests"),
            DrillFigure.Info($"served by {m.NewSlot}", m.ServedByNew, "requests"),
            DrillFigure.Info($"{m.NewSlot} fit after", m.NewReadyMs, "ms"),
            DrillFigure.Info("contract steps applied", m.ContractSteps, "steps"),
        };
        var failures = new List<string>();
        var findings = new List<string>();
        if (!m.NewReady)
        {
            failures.Add($"'{m.NewSlot}' did not pass the edge's smoke gate within {options.NewReleaseWait.TotalSeconds:0} s; is the new release started, and did its migration succeed?");
            return DrillVerdict.FromChecks(string.Empty, failures, figures, findings);
        }

        if (rate > options.MaxErrorRate)
        {
            failures.Add($"{m.CustomerFailures} of {m.CustomerRequests} customer requests failed while the releases ran side by side, e.g. {string.Join("; ", m.FailureSamples.Take(3))}.");
            findings.Add("A step the new release applied at start-up broke the old one: ship only expand steps (new tables, nullable columns, columns with defaults) while an older release runs, and mark drops, renames and not-nulls as contract steps (docs/data-consistency.md).");
        }

        if (m.ServedByOld == 0 || m.ServedByNew == 0)
        {
            failures.Add($"Both releases must serve side by side: '{m.OldSlot}' served {m.ServedByOld} and '{m.NewSlot}' {m.ServedByNew} customer requests.");
        }

        if (m.OldToNew.Ok < m.OldToNew.Tried || m.NewToOld.Ok < m.NewToOld.Tried)
        {
            failures.Add($"Writes were not visible across releases: '{m.NewSlot}' signed in {m.OldToNew.Ok} of {m.OldToNew.Tried} accounts '{m.OldSlot}' registered, '{m.OldSlot}' {m.NewToOld.Ok} of {m.NewToOld.Tried} the other way.");
            findings.Add("The new release must read rows the old one wrote (a fallback for the new column's NULL) and keep writing what the old one reads.");
        }

        if (m.PromoteStatus != 200)
        {
            failures.Add($"Promoting '{m.NewSlot}' answered {m.PromoteStatus}.");
        }
        else if (!m.OldStopped)
        {
            failures.Add($"The old release was not stopped (no process id in {options.OldPidFile}), so the contract step was not asked for.");
        }
        else if (m.ContractStatus != 200)
        {
            failures.Add($"The contract command answered {m.ContractStatus}.");
        }
        else
        {
            if (m.AfterContract.Ok < m.AfterContract.Tried)
            {
                failures.Add($"After the contract step {m.AfterContract.Ok} of {m.AfterContract.Tried} accounts signed in: the contract lost or hid rows.");
            }

            if (m.AfterContractFailures > 0)
            {
                failures.Add($"{m.AfterContractFailures} customer requests failed after the contract step: the new release still relied on what it removed.");
            }
        }

        return DrillVerdict.FromChecks(
            $"Old and new releases served side by side on one schema: {m.CustomerRequests} customer requests, {rate:P2} failed; each signed in the other's accounts; the contract step ({m.ContractSteps} step(s)) ran after the old release stopped.",
            failures, figures, findings);
    }
}
