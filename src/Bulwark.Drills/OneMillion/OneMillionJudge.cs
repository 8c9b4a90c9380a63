using System.Globalization;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.OneMillion;

/// <summary>One Million's verdict rules, pure so they can be tested without a network.</summary>
public static class OneMillionJudge
{
    /// <summary>Whether <paramref name="step"/> held the SLO: p99 within <see cref="OneMillionOptions.SloP99"/> and few enough requests unserved.</summary>
    public static bool HoldsSlo(StepMeasurement step, OneMillionOptions options)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(options);
        return step.Answers.Sent > 0
            && step.All.P99 <= options.SloP99
            && step.Answers.UnservedShare <= options.SloMaxUnservedShare;
    }

    /// <summary>
    /// The first signal to cross its limit: the earliest step with one crossed, and in that step the one furthest past
    /// its limit; null when none crossed.
    /// </summary>
    public static (StepMeasurement Step, SaturationSignal Signal)? FirstBottleneck(IReadOnlyList<StepMeasurement> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        foreach (var step in steps)
        {
            if (step.Signals.Where(s => s.Crossed).MaxBy(s => s.Ratio) is { } signal)
            {
                return (step, signal);
            }
        }

        return null;
    }

    /// <summary>
    /// Passed when the search found the SLO's edge, a saturation signal names what ran out first, the steps past the
    /// edge were shed (429/503 with <c>Retry-After</c>, or answered by the server's own deadline) rather than failed
    /// (500s, resets, requests hanging past the client's deadline), and latency was back at baseline within
    /// <see cref="OneMillionOptions.RecoverWithin"/>. Inconclusive when nothing was measured or the target held the SLO
    /// at every step (its edge lies beyond the search).
    /// </summary>
    public static DrillVerdict Judge(OneMillionMeasurement measured, OneMillionOptions options)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(options);
        if (measured.Baseline.Sent == 0 || measured.Steps.Count == 0 || measured.Steps.All(s => s.Answers.Sent == 0))
        {
            return DrillVerdict.Inconclusive("Nothing was measured: the baseline or every step sent no request.");
        }

        var figures = new List<DrillFigure> { DrillFigure.Info("baseline p99", measured.Baseline.P99.TotalMilliseconds, "ms") };
        foreach (var step in measured.Steps)
        {
            figures.Add(DrillFigure.Info(Invariant($"step {step.Number} offered"), step.OfferedRate, "req/s"));
            figures.Add(DrillFigure.Info(Invariant($"step {step.Number} p99"), step.All.P99.TotalMilliseconds, "ms"));
            figures.Add(DrillFigure.Info(Invariant($"step {step.Number} unserved"), step.Answers.UnservedShare * 100, "%"));
            if (step.Signals.MaxBy(s => s.Ratio) is { } nearest)
            {
                figures.Add(DrillFigure.Info(Invariant($"step {step.Number} nearest its limit: {nearest.Component} ({nearest.Evidence})"), nearest.Value, nearest.Limit.ToString("'limit '0.##", CultureInfo.InvariantCulture)));
            }
        }

        var breaking = measured.Steps.FirstOrDefault(s => !HoldsSlo(s, options));
        var held = measured.Steps.TakeWhile(s => HoldsSlo(s, options)).LastOrDefault();
        var capacity = held?.OfferedRate ?? 0;
        figures.Add(DrillFigure.Info("highest rate within the SLO", capacity, "req/s"));
        figures.Add(DrillFigure.Info("achieved at that rate", held?.All.Throughput ?? 0, "req/s"));
        var bottleneck = FirstBottleneck(measured.Steps);
        if (bottleneck is { } first)
        {
            figures.Add(DrillFigure.Info(Invariant($"first saturated: {first.Signal.Component} (step {first.Step.Number})"), first.Signal.Value, first.Signal.Limit.ToString("'limit '0.##", CultureInfo.InvariantCulture)));
        }

        figures.AddRange(Extrapolate(capacity, options, out var plan));
        var findings = new List<string>();
        if (breaking is null)
        {
            var last = measured.Steps[^1];
            findings.Add(Invariant($"The target held the SLO at every step up to {last.OfferedRate:0.#}/s: raise MaxSteps, StepFactor or StartRatePerSecond to find its edge."));
            return new DrillVerdict(
                DrillOutcome.Inconclusive,
                Invariant($"The target held the SLO (p99 <= {options.SloP99.TotalMilliseconds:0} ms) at every step up to {last.OfferedRate:0.#}/s; its edge, and what it does past it, lie beyond this search."),
                figures,
                findings);
        }

        var past = measured.Steps.SkipWhile(s => s != breaking).ToList();
        var answers = StepAnswers.Sum(past.Select(s => s.Answers));
        var highest = past[^1];
        figures.Add(DrillFigure.Info("past capacity: shed (429/503 + Retry-After)", answers.Shed, "requests"));
        figures.Add(DrillFigure.Info("past capacity: answered by the server's deadline (504)", answers.ServerDeadline, "requests"));
        figures.Add(DrillFigure.Info("past capacity: writes refused as concurrent (409)", answers.Conflicted, "requests"));
        figures.Add(DrillFigure.AtMost("past capacity: failed, hung or reset", answers.UnsafeShare * 100, "%", options.MaxUnsafeShare * 100));
        figures.Add(DrillFigure.Info("past capacity: dropped by the client's in-flight cap", answers.Dropped, "requests"));
        figures.Add(measured.RecoveredAfter is { } recovered
            ? DrillFigure.AtMost("back to baseline latency after", recovered.TotalSeconds, "s", options.RecoverWithin.TotalSeconds)
            : new DrillFigure("back to baseline latency after", double.PositiveInfinity, "s", Invariant($"<= {options.RecoverWithin.TotalSeconds:0.##}"), false));

        var failures = new List<string>();
        if (answers.UnsafeShare > options.MaxUnsafeShare)
        {
            failures.Add(Invariant($"Past its capacity ({capacity:0.#}/s) the target fell over instead of shedding: at {breaking.OfferedRate:0.#}–{highest.OfferedRate:0.#}/s {answers.Failed} failed (500 or the like), {answers.Hung} hung past the client's {options.RequestTimeout.TotalSeconds:0.#} s, {answers.Reset} reset, of {answers.Sent} ({answers.UnsafeShare:P1}; answers {string.Join("; ", past.Select(s => PlugPull.PlugPullJudge.Histogram(s.All)))})."));
            findings.Add("Bound the queue in front of what saturates: shed the excess early with 429/503 and Retry-After (a concurrency limit, a bulkhead, a bounded write queue), and give every request a deadline shorter than the client's.");
        }

        if (answers.Dropped > 0)
        {
            findings.Add(Invariant($"{answers.Dropped} requests past the edge were never sent: the client's {options.MaxInFlight} in-flight requests were all waiting on the target. It queued them rather than shedding; more users than the client's cap would have waited longer still."));
        }

        if (bottleneck is null)
        {
            failures.Add("No saturation signal crossed its limit: nothing the target exposes says what ran out, so the answer to \"what breaks first\" is not known before the day.");
            findings.Add("Export the saturation of each shared resource on /metrics (CPU, thread pool queue, the database's write queue or pool, bulkhead occupancy) so the first to fill is visible.");
        }

        if (measured.RecoveredAfter is null)
        {
            failures.Add(Invariant($"The target did not come back to baseline latency within {options.RecoverWithin.TotalSeconds:0.#} s after the load stopped (last probe p99 {measured.LastProbe.P99.TotalMilliseconds:0} ms, {measured.LastProbe.Errors} errors; baseline {measured.Baseline.P99.TotalMilliseconds:0} ms)."));
        }

        if (capacity == 0)
        {
            findings.Add(Invariant($"Even the first step ({measured.Steps[0].OfferedRate:0.#}/s) broke the SLO: lower StartRatePerSecond to measure the capacity."));
        }

        findings.Add(plan);
        var named = bottleneck is { } b ? Invariant($"{b.Signal.Component} saturated first ({b.Signal.Evidence}, step {b.Step.Number} at {b.Step.OfferedRate:0.#}/s)") : "no signal named a bottleneck";
        return DrillVerdict.FromChecks(
            Invariant($"Capacity {capacity:0.#}/s within the SLO; {named}; past it (up to {highest.OfferedRate:0.#}/s) the target shed {answers.Shed} and bounded {answers.ServerDeadline} of {answers.Sent} requests ({answers.UnsafeShare:P1} unsafe) and was back at baseline after {measured.RecoveredAfter?.TotalSeconds:0.#} s."),
            failures,
            figures,
            findings);
    }

    /// <summary>
    /// The One Million arithmetic: the peak rate of <see cref="OneMillionOptions.Users"/> under the stated assumptions,
    /// the instances that takes at <paramref name="capacity"/> per instance, and the database writers (shards) its writes
    /// take when one writer carries <paramref name="capacity"/> × <see cref="OneMillionOptions.WriteShare"/>.
    /// </summary>
    public static IReadOnlyList<DrillFigure> Extrapolate(double capacity, OneMillionOptions options, out string plan)
    {
        ArgumentNullException.ThrowIfNull(options);
        var peak = options.Users * options.PeakActiveShare * options.RequestsPerActiveUserPerMinute / 60;
        var peakWrites = peak * options.WriteShare;
        var figures = new List<DrillFigure>
        {
            DrillFigure.Info(Invariant($"peak rate at {options.Users:N0} users"), peak, "req/s"),
            DrillFigure.Info("peak writes", peakWrites, "writes/s"),
        };
        if (capacity <= 0)
        {
            plan = Invariant($"At {options.Users:N0} users ({options.PeakActiveShare:P0} active at the peak, {options.RequestsPerActiveUserPerMinute:0.##} requests a minute each) the peak is {peak:N0} req/s; with no measured capacity the instances it takes are unknown.");
            return figures;
        }

        var instances = Math.Ceiling(peak / capacity);
        var writers = options.WriteShare > 0 ? Math.Ceiling(peakWrites / (capacity * options.WriteShare)) : 0;
        figures.Add(DrillFigure.Info("instances needed at the measured capacity", instances, "instances"));
        figures.Add(DrillFigure.Info("database writers (shards) needed for the writes", writers, "shards"));
        plan = Invariant($"At {options.Users:N0} users ({options.PeakActiveShare:P0} active at the peak, {options.RequestsPerActiveUserPerMinute:0.##} requests a minute each) the peak is {peak:N0} req/s, {peakWrites:N0} of them writes: {instances:N0} instances at the measured {capacity:0.#}/s each, and if one database writer carries only this instance's {capacity * options.WriteShare:0.#} writes/s, {writers:N0} of them (shards, docs/sharding.md).");
        return figures;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
