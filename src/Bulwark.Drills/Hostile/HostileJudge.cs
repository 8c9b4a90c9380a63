using System.Globalization;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.Hostile;

/// <summary>
/// Judges a Hostile run: every attack refused with the answer the security contract names, nothing of one customer
/// visible to or changeable by another, and the host still serving while idle connections pile up.
/// Each probe becomes one figure (its status against the allowed ones); each failure a finding with its evidence.
/// </summary>
public static class HostileJudge
{
    private const int RateLimited = 429;

    /// <summary>The verdict for <paramref name="m"/>.</summary>
    public static DrillVerdict Judge(HostileMeasurement m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var c = CultureInfo.InvariantCulture;
        var figures = new List<DrillFigure>();
        var failures = new List<Failure>();
        var unsure = new List<string>(m.Broken);

        JudgeIdentity(m.Identity, figures, failures);
        if (m.OneCent is { } oneCent)
        {
            JudgeOneCent(oneCent, figures, failures, unsure);
        }

        foreach (var probe in m.Probes)
        {
            JudgeProbe(probe, figures, failures, unsure);
        }

        if (m.Wallet is { ReadStatusAfter: RateLimited })
        {
            unsure.Add("A's read of its own wallet afterwards was rate limited (429), so its balance could not be compared.");
        }
        else if (m.Wallet is { } wallet)
        {
            JudgeWallet(wallet, figures, failures);
        }

        if (m.KeyReuse is { } reuse)
        {
            JudgeKeyReuse(reuse, figures, failures, unsure);
        }

        if (m.Idle is { } idle)
        {
            JudgeIdle(idle, figures, failures, unsure);
        }

        var judged = figures.Count(f => f.Ok is not null);
        var findings = failures.Select(f => f.Evidence).ToList();
        findings.AddRange(failures.Select(f => f.Check).Distinct(StringComparer.Ordinal).Select(Fix).OfType<string>());
        findings.AddRange(unsure.Select(u => "Not judged: " + u));
        findings.AddRange(m.NotRun.Select(n => "Not run: " + n));

        if (failures.Count > 0)
        {
            var checks = string.Join(", ", failures.Select(f => f.Check).Distinct(StringComparer.Ordinal));
            return new DrillVerdict(
                DrillOutcome.Failed,
                string.Create(c, $"{failures.Count} of {judged} hostile probes got through ({checks}). First: {failures[0].Evidence}"),
                figures,
                findings);
        }

        if (unsure.Count > 0 || judged == 0)
        {
            return new DrillVerdict(
                DrillOutcome.Inconclusive,
                unsure.Count > 0 ? $"Nothing got through, but not every check could be judged: {unsure[0]}" : "No probe could be judged.",
                figures,
                findings);
        }

        return new DrillVerdict(
            DrillOutcome.Passed,
            string.Create(c, $"All {judged} hostile probes were refused as the contract says: no 1-cent payment, no cross-customer reads or writes, 413 for over-size bodies, 422 for hostile input, the host serving through the idle connections."),
            figures,
            findings);
    }

    /// <summary>The statuses that satisfy <paramref name="expect"/> (a 2xx without the victim also satisfies <see cref="HostileExpectation.RefusedOrOwnOnly"/>).</summary>
    public static IReadOnlyList<int> Allowed(HostileExpectation expect) => expect switch
    {
        HostileExpectation.Refused or HostileExpectation.RefusedOrOwnOnly => [401, 403, 404],
        HostileExpectation.Unauthenticated => [401],
        HostileExpectation.TooLarge => [413],
        HostileExpectation.Unprocessable => [422],
        HostileExpectation.NotServed => [401, 404],
        _ => throw new ArgumentOutOfRangeException(nameof(expect), expect, null),
    };

    private static void JudgeIdentity(IdentityObservation identity, List<DrillFigure> figures, List<Failure> failures)
    {
        var needed = identity.SignUpStatuses.Count;
        figures.Add(DrillFigure.AtLeast("[0 identity] customers signed in with an access token", identity.TokensIssued, "customers", needed));
        if (identity.TokensIssued < needed)
        {
            failures.Add(new Failure(
                "0 identity",
                $"Only {identity.TokensIssued} of {needed} customers got an access token (POST /api/users/sign-in answered {Join(identity.SignInStatuses)}): the shop does not know who is calling, so every probe below ran without one."));
        }
    }

    private static void JudgeOneCent(OneCentObservation o, List<DrillFigure> figures, List<Failure> failures, List<string> unsure)
    {
        const string check = "1 one-cent";
        JudgeProbe(new HostileProbe(check, "A: POST /api/payments/charges, 1 cent under the order's own key, no operator key", HostileExpectation.Refused, o.ChargeStatus), figures, failures, unsure);
        var settled = $"order ended {o.OrderStatus ?? "unread"} (payment {o.OrderPayment ?? "unknown"}, total {o.OrderTotalCents} cents)";
        if (o.ProviderChargesCents is { } charges)
        {
            var wrong = charges.Count(a => a != o.OrderTotalCents);
            figures.Add(new DrillFigure($"[{check}] provider charges under the order's key not equal to its total", wrong, "charges", "<= 0", wrong == 0));
            if (wrong > 0)
            {
                var held = string.Join(" + ", charges) + (charges.Sum() == 1 ? " cent" : " cents");
                failures.Add(new Failure(check, $"The payment provider holds {held} under the order's key against a total of {o.OrderTotalCents}; the {settled}."));
            }
        }
        else if (o.ChargeStatus is >= 200 and < 300 && o.OrderStatus is "Confirmed")
        {
            failures.Add(new Failure(check, $"After the 1-cent charge was accepted the {settled}: the provider probably holds 1 cent for it (pass --payment-control to read its ledger)."));
        }
    }

    private static void JudgeProbe(HostileProbe p, List<DrillFigure> figures, List<Failure> failures, List<string> unsure)
    {
        var allowed = Allowed(p.Expect);
        var name = $"[{p.Check}] {p.Request}";
        var threshold = string.Join("/", allowed) + (p.Expect == HostileExpectation.RefusedOrOwnOnly ? " or own items only" : "");
        if (p.Informational)
        {
            figures.Add(new DrillFigure(name, p.Status, "HTTP", threshold + " (informational)"));
            return;
        }

        if (p.Status == RateLimited)
        {
            figures.Add(new DrillFigure(name, p.Status, "HTTP", threshold));
            unsure.Add($"{p.Request} was rate limited (429); run the drill again in a minute.");
            return;
        }

        var ok = allowed.Contains(p.Status)
            || (p.Expect == HostileExpectation.RefusedOrOwnOnly && p.Status is >= 200 and < 300 && !p.MentionsVictim);
        figures.Add(new DrillFigure(name, p.Status, "HTTP", threshold, ok));
        if (!ok)
        {
            var what = p.Status switch
            {
                0 => "got no answer",
                >= 500 => $"answered {p.Status} (a server error, not a refusal)",
                >= 200 and < 300 when p.MentionsVictim => $"answered {p.Status} showing the victim's data",
                _ => $"answered {p.Status}",
            };
            var detail = string.IsNullOrWhiteSpace(p.Detail) ? "" : $" ({p.Detail})";
            failures.Add(new Failure(p.Check, $"{p.Request} {what}, expected {threshold}{detail}."));
        }
    }

    private static void JudgeWallet(WalletObservation w, List<DrillFigure> figures, List<Failure> failures)
    {
        const string check = "2 cross-customer";
        var balanceOk = w.BalanceAfter == w.BalanceBefore;
        var ownerOk = string.Equals(w.OwnerAfter, w.OwnerBefore, StringComparison.Ordinal);
        figures.Add(new DrillFigure($"[{check}] A's wallet balance after the others' attempts", w.BalanceAfter ?? -1, "cents", $"= {w.BalanceBefore}", balanceOk));
        figures.Add(new DrillFigure($"[{check}] A's wallet owner intact after the others' attempts", ownerOk ? 1 : 0, "", "= 1", ownerOk));
        if (w.BalanceAfter is null || w.OwnerAfter is null)
        {
            failures.Add(new Failure(check, $"A could not read its own wallet afterwards ({w.ReadStatusAfter})."));
            return;
        }

        if (!balanceOk)
        {
            failures.Add(new Failure(check, $"A's wallet went from {w.BalanceBefore} to {w.BalanceAfter} cents while only other callers touched it."));
        }

        if (!ownerOk)
        {
            failures.Add(new Failure(check, $"A's wallet owner went from '{w.OwnerBefore}' to '{w.OwnerAfter}': another caller shredded A's personal data."));
        }
    }

    private static void JudgeKeyReuse(KeyReuseObservation r, List<DrillFigure> figures, List<Failure> failures, List<string> unsure)
    {
        const string check = "5 idempotency scope";
        foreach (var answer in r.Answers)
        {
            var name = $"[{check}] B reuses A's order Idempotency-Key, {answer.Body} body";
            if (answer.Status == RateLimited)
            {
                figures.Add(new DrillFigure(name, answer.Status, "HTTP", "own answer or 422"));
                unsure.Add($"B's reuse of A's key ({answer.Body} body) was rate limited (429).");
                continue;
            }

            var leaked = string.Equals(answer.OrderId, r.VictimOrderId, StringComparison.OrdinalIgnoreCase);
            var ok = answer.Status is > 0 and < 500 && !leaked;
            figures.Add(new DrillFigure(name, answer.Status, "HTTP", "own answer or 422", ok));
            if (leaked)
            {
                failures.Add(new Failure(check, $"B sent A's Idempotency-Key with the {answer.Body} body and got A's order {r.VictimOrderId} back: keys are not scoped per caller."));
            }
            else if (!ok)
            {
                failures.Add(new Failure(check, $"B sent A's Idempotency-Key with the {answer.Body} body and got {(answer.Status == 0 ? "no answer" : answer.Status.ToString(CultureInfo.InvariantCulture))}."));
            }
        }
    }

    private static void JudgeIdle(IdleObservation idle, List<DrillFigure> figures, List<Failure> failures, List<string> unsure)
    {
        const string check = "8 idle connections";
        figures.Add(DrillFigure.Info($"[{check}] idle connections opened from {idle.SourceAddress}", idle.Opened, "connections"));
        figures.Add(DrillFigure.Info($"[{check}] of those closed by the server meanwhile", idle.ClosedByServer, "connections"));
        if (idle.Opened == 0)
        {
            unsure.Add($"none of {idle.Requested} idle connections opened from {idle.SourceAddress}, so the host was never under that pressure.");
        }

        foreach (var probe in idle.Probes)
        {
            var name = $"[{check}] {probe.Request} with {idle.Opened} idle connections open";
            if (probe.Status == RateLimited)
            {
                figures.Add(DrillFigure.Info(name, probe.Latency.TotalMilliseconds, "ms"));
                unsure.Add($"{probe.Request} during the idle connections was rate limited (429).");
                continue;
            }

            var ok = probe.Status == 200 && probe.Latency <= idle.Bound;
            figures.Add(new DrillFigure(name, Math.Round(probe.Latency.TotalMilliseconds, 2), "ms", string.Create(CultureInfo.InvariantCulture, $"200 in <= {idle.Bound.TotalMilliseconds:0}"), ok));
            if (!ok)
            {
                var got = probe.Status == 0 ? "no answer" : probe.Status.ToString(CultureInfo.InvariantCulture);
                failures.Add(new Failure(check, string.Create(CultureInfo.InvariantCulture, $"{probe.Request} got {got} after {probe.Latency.TotalMilliseconds:F0} ms while {idle.Opened} idle connections were open.")));
            }
        }
    }

    private static string? Fix(string check) => check switch
    {
        "0 identity" => "Fix: customers sign up and sign in for a token (ASP.NET Core authentication); every customer resource answers only to its owner.",
        "1 one-cent" => "Fix: keep the charge endpoint off the public API (operator key) and scope every idempotency key per caller, so no outside key can equal the shop's own order-<id>.",
        "2 cross-customer" => "Fix: load every customer resource by (owner, id) and answer 404 to anyone else.",
        "3 anonymous" => "Fix: require an authenticated customer on every customer resource (401 problem without a token).",
        "4 oversize" => "Fix: set Kestrel's MaxRequestBodySize and map BadHttpRequestException 413 to a problem before any middleware buffers the body.",
        "5 idempotency scope" => "Fix: scope idempotency records by the authenticated caller, not the raw key.",
        "6 validation" => "Fix: reject control and bidi characters in names and e-mails and currencies outside ISO 4217, with 422 naming the field.",
        "7 management" => "Fix: serve /metrics and /admin/* on the management port only outside Development (404 on the public port).",
        "8 idle connections" => "Fix: cap concurrent connections (per client address if possible) and keep-alive time so idle sockets cannot starve real customers.",
        _ => null,
    };

    private static string Join<T>(IEnumerable<T> values) => string.Join(", ", values);

    private sealed record Failure(string Check, string Evidence);
}
