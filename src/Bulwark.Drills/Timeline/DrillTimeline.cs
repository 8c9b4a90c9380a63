namespace Bulwark.Drills.Timeline;

/// <summary>
/// What happened during one drill run, second by second: the requests the drill sent and how they fared, the faults it
/// injected and its phases. Times are seconds from the start of the run. Drawn as charts by the HTML report.
/// </summary>
/// <param name="BucketSeconds">The width of each bucket.</param>
/// <param name="TotalSeconds">How long the run took.</param>
/// <param name="Buckets">Requests grouped by the second they started in; empty buckets included so gaps show.</param>
/// <param name="Faults">When each fault was on; <c>EndSeconds</c> is null when it was never taken away.</param>
/// <param name="Phases">When each phase (arrange, exercise, restore, or a drill's own) began.</param>
public sealed record DrillTimeline(
    double BucketSeconds,
    double TotalSeconds,
    IReadOnlyList<TimelineBucket> Buckets,
    IReadOnlyList<FaultWindow> Faults,
    IReadOnlyList<PhaseMark> Phases)
{
    /// <summary>A timeline with nothing in it.</summary>
    public static DrillTimeline Empty { get; } = new(1, 0, [], [], []);
}

/// <summary>The requests that started within one bucket of a <see cref="DrillTimeline"/>.</summary>
/// <param name="StartSeconds">The bucket's start.</param>
/// <param name="Requests">Requests started (dropped ones included).</param>
/// <param name="Errors">Of them, errors: no response or 5xx (as <see cref="Load.LoadSample.IsError"/>).</param>
/// <param name="P50Ms">Median latency of the answered ones, 0 when none.</param>
/// <param name="P99Ms">99th percentile latency (nearest rank), 0 when none.</param>
/// <param name="MaxMs">Slowest latency, 0 when none.</param>
public sealed record TimelineBucket(double StartSeconds, int Requests, int Errors, double P50Ms, double P99Ms, double MaxMs)
{
    /// <summary>Errors over requests, 0 when there were none.</summary>
    public double ErrorRate => Requests == 0 ? 0 : (double)Errors / Requests;
}

/// <summary>When a fault was on.</summary>
/// <param name="Name">What was broken, e.g. <c>payments: Down</c>.</param>
/// <param name="StartSeconds">When it was injected.</param>
/// <param name="EndSeconds">When it was removed; null when it never was.</param>
public sealed record FaultWindow(string Name, double StartSeconds, double? EndSeconds);

/// <summary>When a phase of the run began.</summary>
/// <param name="Name">The phase, e.g. <c>exercise</c>.</param>
/// <param name="AtSeconds">When it began.</param>
public sealed record PhaseMark(string Name, double AtSeconds);
