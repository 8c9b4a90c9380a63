using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.Sidecar;

/// <summary>
/// The Sidecar drill's phases and thresholds. The target is the sidecar; the dependency is the service behind it, broken
/// through its own fault controls. See <c>docs/drills.md#sidecar</c>.
/// </summary>
public sealed class SidecarOptions
{
    /// <summary>The dependency (given as <c>--dependency NAME=URL</c>) that is the upstream behind the sidecar.</summary>
    /// <value>The default value is <c>upstream</c>.</value>
    [Required]
    public string Dependency { get; set; } = "upstream";

    /// <summary>What callers ask the sidecar for, relative to the target.</summary>
    /// <value>The default value is <c>/recommendations/5?count=3</c> (the shipped sidecar's recommendations route).</value>
    [Required]
    public string Path { get; set; } = "/recommendations/5?count=3";

    /// <summary>Calls started per second (open loop) in every phase.</summary>
    /// <value>The default value is 20.</value>
    [Range(2, 500)]
    public double RatePerSecond { get; set; } = 20;

    /// <summary>How long callers are served with the upstream healthy, before any fault.</summary>
    /// <value>The default value is 3 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan Baseline { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long the upstream answers every call with a server error.</summary>
    /// <value>The default value is 8 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:02", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan Failing { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// From the start of the failing phase, by when the breaker must have stopped calling the upstream; the upstream's
    /// own count is read here and at the end of the phase. Must be shorter than <see cref="Failing"/>.
    /// </summary>
    /// <value>The default value is 3 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:04:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan OpenWithin { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Calls the upstream may still receive after <see cref="OpenWithin"/> in the failing phase (half-open probes).</summary>
    /// <value>The default value is 3.</value>
    [Range(0, 100_000)]
    public int MaxUpstreamCallsWhileOpen { get; set; } = 3;

    /// <summary>Retries the sidecar may add per caller request while the upstream fails: attempts per request at most 1 + this.</summary>
    /// <value>The default value is 0.25 (the shipped budget's 10 % plus its floor of one a second at 20 calls a second, and slack).</value>
    [Range(0.0, 10.0)]
    public double MaxRetryRatio { get; set; } = 0.25;

    /// <summary>How long the upstream hangs.</summary>
    /// <value>The default value is 4 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan Hanging { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>How long each upstream answer takes while it hangs: far beyond any caller's patience.</summary>
    /// <value>The default value is 20 seconds (the Python engine accepts at most 60).</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan HangLatency { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The deadline each caller sends as <c>X-Deadline</c> in the hanging phase.</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan CallerDeadline { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How late after its deadline an answer may still arrive (scheduling and the hop back on a busy machine).</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan DeadlineGrace { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The caller's own timeout: no answer may need it. Must be longer than the deadline and its grace.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan ClientTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>After a fault is lifted, by when callers must be answered by the upstream again (the breaker's break and a probe).</summary>
    /// <value>The default value is 30 seconds (the shipped break is 15).</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RecoverWithin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Consecutive answered calls that count as recovered.</summary>
    /// <value>The default value is 5.</value>
    [Range(1, 1000)]
    public int RecoveredAfter { get; set; } = 5;

    /// <summary>Time between the drill's calls while it waits for recovery.</summary>
    /// <value>The default value is 200 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10", ParseLimitsInInvariantCulture = true)]
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The share of baseline calls that may fail.</summary>
    /// <value>The default value is 0.01 (1 %).</value>
    [Range(0.0, 1.0)]
    public double MaxBaselineErrorRate { get; set; } = 0.01;
}
