using Bulwark.Drills.Model;

namespace Bulwark.Drills.SilentFailure;

/// <summary>What the Silent Failure drill observed. Times are from the moment the lock was taken (or released).</summary>
/// <param name="Victim">The locked instance.</param>
/// <param name="BaselineRequests">Customer requests before the lock.</param>
/// <param name="BaselineVictimShare">The share of them the victim served (it must be in rotation to be taken out).</param>
/// <param name="LiveNot200">Victim liveness answers other than 200 while locked and after.</param>
/// <param name="ProbeRounds">Probe rounds on the victim while locked.</param>
/// <param name="TimeToUnready">From the lock to the first readiness 503; null if it stayed ready.</param>
/// <param name="SlowestReadyAnswer">The slowest readiness answer while locked (a probe that got none counts its whole wait).</param>
/// <param name="LockedRequests">Customer requests started while the lock was held.</param>
/// <param name="LockedErrors">Those answered 5xx or not at all.</param>
/// <param name="SettledRequests">Customer requests started while locked, once the out-of-rotation bound had passed.</param>
/// <param name="SettledErrors">Those answered 5xx or not at all.</param>
/// <param name="LastVictimServed">From the lock to the start of the last customer request the victim served while locked; null if none.</param>
/// <param name="VictimServedLate">Customer requests the victim served that started later than the out-of-rotation bound.</param>
/// <param name="TimeToBackInRotation">From the release to the first customer the victim served well again; null if it did not.</param>
/// <param name="FailureSamples">The first failures, for the report.</param>
public sealed record SilentFailureMeasurements(
    string Victim, long BaselineRequests, double BaselineVictimShare, int LiveNot200, int ProbeRounds,
    TimeSpan? TimeToUnready, TimeSpan SlowestReadyAnswer, long LockedRequests, long LockedErrors, long SettledRequests, long SettledErrors,
    TimeSpan? LastVictimServed, long VictimServedLate, TimeSpan? TimeToBackInRotation, IReadOnlyList<string> FailureSamples);

/// <summary>The Silent Failure drill's verdict rules, pure so they are tested without a network.</summary>
public static class SilentFailureJudge
{
    /// <summary>
    /// Passed when the locked instance stayed alive, its readiness answered 503 fast, the router sent it no customer
    /// after the bound, the customers' error rate stayed under the bound and the instance came back after the release.
    /// </summary>
    public static DrillVerdict Judge(SilentFailureMeasurements m, SilentFailureOptions options)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(options);
        if (m.BaselineRequests == 0 || m.BaselineVictimShare <= 0)
        {
            return DrillVerdict.Inconclusive($"'{m.Victim}' served none of the {m.BaselineRequests} customer requests before the lock: it was not in rotation (wrong Victim or ServedByHeader?), so taking it out proves nothing.");
        }

        if (m.ProbeRounds == 0)
        {
            return DrillVerdict.Inconclusive("No probe round on the victim completed while its database was locked.");
        }

        var errorRate = m.SettledRequests == 0 ? 0 : (double)m.SettledErrors / m.SettledRequests;
        var wholeRate = m.LockedRequests == 0 ? 0 : (double)m.LockedErrors / m.LockedRequests;
        var figures = new List<DrillFigure>
        {
            DrillFigure.AtMost("liveness answers other than 200", m.LiveNot200, "answers", 0),
            DrillFigure.AtMost("time to readiness 503 after the lock", Ms(m.TimeToUnready), "ms", options.UnreadyWithin.TotalMilliseconds),
            DrillFigure.AtMost("slowest readiness answer while locked", Math.Round(m.SlowestReadyAnswer.TotalMilliseconds), "ms", options.ReadyAnswerWithin.TotalMilliseconds),
            DrillFigure.AtMost("last customer sent to the locked instance, after the lock", Ms(m.LastVictimServed), "ms", options.OutOfRotationWithin.TotalMilliseconds),
            DrillFigure.AtMost("customers sent to it after that bound", m.VictimServedLate, "requests", 0),
            DrillFigure.AtMost("customer error rate once the router's bound had passed", Math.Round(errorRate, 4), "ratio", options.MaxErrorRate),
            DrillFigure.Info("customer requests / errors then", m.SettledRequests, $"requests, {m.SettledErrors} failed"),
            DrillFigure.Info("customer error rate over the whole lock (detection included)", Math.Round(wholeRate, 4), "ratio"),
            DrillFigure.Info("customer requests / errors while locked", m.LockedRequests, $"requests, {m.LockedErrors} failed"),
            DrillFigure.AtMost("time back in rotation after the release", Ms(m.TimeToBackInRotation), "ms", options.BackInRotationWithin.TotalMilliseconds),
            DrillFigure.Info("victim's share before the lock", Math.Round(m.BaselineVictimShare, 3), "ratio"),
        };
        var failures = new List<string>();
        var findings = new List<string>();
        if (m.LiveNot200 > 0)
        {
            failures.Add($"Liveness failed {m.LiveNot200} time(s): an orchestrator would restart a process whose only trouble is its database.");
        }

        if (m.TimeToUnready is null || m.TimeToUnready > options.UnreadyWithin)
        {
            failures.Add(m.TimeToUnready is { } unready
                ? $"Readiness of '{m.Victim}' took {unready.TotalMilliseconds:0} ms to answer 503 (at most {options.UnreadyWithin.TotalMilliseconds:0} ms)."
                : $"Readiness of '{m.Victim}' stayed 200 with its database locked: it looks ready while it cannot serve (a silent failure).");
            findings.Add("Readiness must check what customers need of the database (here: that it takes a write), with a timeout of its own.");
        }

        if (m.SlowestReadyAnswer > options.ReadyAnswerWithin)
        {
            failures.Add($"A readiness probe took {m.SlowestReadyAnswer.TotalMilliseconds:0} ms (at most {options.ReadyAnswerWithin.TotalMilliseconds:0} ms): a check without its own timeout hangs with the database.");
        }

        if (m.VictimServedLate > 0 || m.LastVictimServed is { } last && last > options.OutOfRotationWithin)
        {
            failures.Add($"The router kept sending customers to the locked '{m.Victim}': {m.VictimServedLate} requests more than {options.OutOfRotationWithin.TotalSeconds:0.#} s after the lock.");
        }

        if (errorRate > options.MaxErrorRate)
        {
            failures.Add($"{m.SettledErrors} of {m.SettledRequests} customer requests failed more than {options.OutOfRotationWithin.TotalSeconds:0.#} s after the lock ({errorRate:P1}, at most {options.MaxErrorRate:P1}), e.g. {string.Join("; ", m.FailureSamples.Take(3))}.");
            findings.Add("Failures while locked (time since the lock, instance): " + string.Join("; ", m.FailureSamples));
        }

        if (m.TimeToBackInRotation is null || m.TimeToBackInRotation > options.BackInRotationWithin)
        {
            failures.Add($"'{m.Victim}' served no customer within {options.BackInRotationWithin.TotalSeconds:0.#} s of the release: it did not return to rotation.");
        }

        return DrillVerdict.FromChecks(
            $"'{m.Victim}' stayed alive with its database locked; readiness answered 503 after {Ms(m.TimeToUnready):0} ms, the router sent it its last customer {Ms(m.LastVictimServed):0} ms after the lock, " +
            $"{m.SettledErrors} of {m.SettledRequests} customer requests failed after that bound ({m.LockedErrors} of {m.LockedRequests} over the whole lock), and it served again {Ms(m.TimeToBackInRotation):0} ms after the release.",
            failures, figures, findings);
    }

    // -1 stands for "never" in a figure.
    private static double Ms(TimeSpan? time) => time is { } t ? Math.Round(t.TotalMilliseconds) : -1;
}
