using Bulwark.Drills.Load;

namespace Bulwark.Drills.OneMillion;

/// <summary>How the target answered one step's requests, sorted into safe (served, shed, bounded) and unsafe answers.</summary>
/// <param name="Sent">Requests sent.</param>
/// <param name="Served">Answered 2xx or 3xx.</param>
/// <param name="Shed">Refused with 429 or 503 carrying <c>Retry-After</c>: the caller is told when to come back.</param>
/// <param name="ServerDeadline">Answered 504 by the server's own deadline: the wait was bounded and answered, before the client gave up.</param>
/// <param name="Conflicted">Answered 409: a write that met a concurrent write of the same wallet and was refused, nothing lost (the client retries it).</param>
/// <param name="Failed">Any other 4xx or 5xx (a 500, a 503 without <c>Retry-After</c>, an unexpected refusal).</param>
/// <param name="Hung">No full answer within the client's deadline.</param>
/// <param name="Reset">The connection failed: refused, reset, closed early.</param>
/// <param name="Dropped">Never sent: the client's in-flight cap was full of requests the target had not answered.</param>
public sealed record StepAnswers(int Sent, int Served, int Shed, int ServerDeadline, int Conflicted, int Failed, int Hung, int Reset, int Dropped)
{
    /// <summary>Requests answered neither 2xx nor 3xx, over those sent (0 when none were).</summary>
    public double UnservedShare => Sent == 0 ? 0 : (double)(Sent - Served) / Sent;

    /// <summary>Requests that failed unsafely (a 500 or the like, hung, reset), over those sent (0 when none were).</summary>
    public double UnsafeShare => Sent == 0 ? 0 : (double)(Failed + Hung + Reset) / Sent;

    /// <summary>The answers of several steps together.</summary>
    public static StepAnswers Sum(IEnumerable<StepAnswers> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return steps.Aggregate(new StepAnswers(0, 0, 0, 0, 0, 0, 0, 0, 0), (a, b) => new StepAnswers(
            a.Sent + b.Sent, a.Served + b.Served, a.Shed + b.Shed, a.ServerDeadline + b.ServerDeadline, a.Conflicted + b.Conflicted,
            a.Failed + b.Failed, a.Hung + b.Hung, a.Reset + b.Reset, a.Dropped + b.Dropped));
    }

    /// <summary>Sorts <paramref name="samples"/>.</summary>
    public static StepAnswers Classify(IEnumerable<LoadSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        int sent = 0, served = 0, shed = 0, deadline = 0, conflicted = 0, failed = 0, hung = 0, reset = 0, dropped = 0;
        foreach (var s in samples)
        {
            if (s.Failure == LoadFailure.Dropped)
            {
                dropped++;
                continue;
            }

            sent++;
            switch (s)
            {
                case { Failure: LoadFailure.Timeout }: hung++; break;
                case { Failure: LoadFailure.Transport }: reset++; break;
                case { StatusCode: >= 200 and < 400 }: served++; break;
                case { StatusCode: 429 or 503, HasRetryAfter: true }: shed++; break;
                case { StatusCode: 504 }: deadline++; break;
                case { StatusCode: 409 }: conflicted++; break;
                default: failed++; break;
            }
        }

        return new StepAnswers(sent, served, shed, deadline, conflicted, failed, hung, reset, dropped);
    }
}

/// <summary>One signal of the target's saturation in one step, judged against its limit.</summary>
/// <param name="Component">What saturates, in plain words, e.g. <c>the database's single writer</c>.</param>
/// <param name="Evidence">What was read, e.g. <c>writes p99 2,400 ms vs reads p99 40 ms</c>.</param>
/// <param name="Value">The measured value.</param>
/// <param name="Limit">The limit it is judged against.</param>
/// <param name="Crossed">Whether it reached its limit.</param>
public sealed record SaturationSignal(string Component, string Evidence, double Value, double Limit, bool Crossed)
{
    /// <summary>How far past its limit it went (value over limit), to rank signals crossed in the same step.</summary>
    public double Ratio => Limit > 0 ? Value / Limit : Value;
}

/// <summary>One step of the capacity search.</summary>
/// <param name="Number">The step, from 1.</param>
/// <param name="OfferedRate">The open-loop rate offered, requests per second.</param>
/// <param name="All">Figures over every request.</param>
/// <param name="Reads">Figures over the reads.</param>
/// <param name="Writes">Figures over the writes.</param>
/// <param name="Answers">How the requests were answered.</param>
/// <param name="Signals">The target's saturation signals read during the step.</param>
public sealed record StepMeasurement(int Number, double OfferedRate, LoadStatistics All, LoadStatistics Reads, LoadStatistics Writes, StepAnswers Answers, IReadOnlyList<SaturationSignal> Signals);

/// <summary>What the One Million drill measured.</summary>
/// <param name="Baseline">Reads at the probe rate before any step.</param>
/// <param name="Steps">The steps run, in order; the search stopped after the last.</param>
/// <param name="RecoveredAfter">From the end of the load to the first probe window back at baseline latency; null when none was within the bound.</param>
/// <param name="LastProbe">The last recovery window measured (the one that recovered, or the last tried).</param>
public sealed record OneMillionMeasurement(LoadStatistics Baseline, IReadOnlyList<StepMeasurement> Steps, TimeSpan? RecoveredAfter, LoadStatistics LastProbe);
