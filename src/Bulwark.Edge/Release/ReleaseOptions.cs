using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Bulwark.Edge.Release;

/// <summary>Release slots behind the edge (blue-green, Codex 23) and how a canary between them is run (Codex 24).</summary>
public sealed class ReleaseOptions
{
    /// <summary>The slots by name (e.g. <c>blue</c>, <c>green</c>), each a base URL of its own process and build.</summary>
    /// <value>The default value is empty: no release route.</value>
    public Dictionary<string, string> Slots { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The slot that serves everyone on first start; afterwards the persisted state (<see cref="StatePath"/>) wins.</summary>
    /// <value>The default value is <see langword="null"/>: the first slot.</value>
    public string? Live { get; init; }

    /// <summary>A file where the live slot, the canary and its weight survive an edge restart.</summary>
    /// <value>The default value is <see langword="null"/>: kept in memory only.</value>
    public string? StatePath { get; init; }

    /// <summary>The checks a slot must pass before it takes traffic.</summary>
    [ValidateObjectMembers]
    public SmokeGateOptions Smoke { get; init; } = new();

    /// <summary>
    /// How long a switch waits for the old slot's in-flight requests to finish before it answers with those still running;
    /// zero answers at once (the operator then cannot know when the old process may be stopped).
    /// </summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Canary steps and analysis.</summary>
    [ValidateObjectMembers]
    public CanaryOptions Canary { get; init; } = new();

    /// <summary>How a customer is recognised so their version stays the same across requests.</summary>
    [ValidateObjectMembers]
    public AffinityOptions Affinity { get; init; } = new();
}

/// <summary>The gate before a slot takes traffic: its readiness and a few real reads, straight to the slot.</summary>
public sealed class SmokeGateOptions
{
    /// <summary>
    /// Whether a switch or canary start runs the gate. Off only to show what the gate prevents (the Undo drill's
    /// failing run) or in an emergency where the gate itself is broken; every skipped gate is logged at Warning.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; init; } = true;

    /// <summary>The slot's readiness path.</summary>
    /// <value>The default value is <c>/health/ready</c>.</value>
    [Required]
    public string ReadyPath { get; init; } = "/health/ready";

    /// <summary>Real reads that must answer 2xx, e.g. <c>/api/products?page=1</c>.</summary>
    /// <value>The default value is empty.</value>
    public List<string> Paths { get; init; } = [];

    /// <summary>How long each smoke request may take.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>Flagger-style canary analysis: weighted steps, thresholds, a minimum sample and a failure limit.</summary>
public sealed class CanaryOptions
{
    private static readonly double[] DefaultSteps = [1, 5, 25, 50, 100];

    /// <summary>The canary's traffic share (percent) at each step, rising, the last 100.</summary>
    /// <value>The default value is empty, which means 1, 5, 25, 50, 100 (a configured list replaces it, never adds to it).</value>
    public List<double> Steps { get; init; } = [];

    /// <summary>The steps in force: <see cref="Steps"/>, or the default ones when none are configured.</summary>
    public IReadOnlyList<double> EffectiveSteps => Steps.Count > 0 ? Steps : DefaultSteps;

    /// <summary>How often the analysis runs; each run judges the requests since the previous step change.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Canary requests a step needs before it is judged; fewer means hold, never promote.</summary>
    /// <value>The default value is 50.</value>
    [Range(1, 1_000_000)]
    public int MinSample { get; init; } = 50;

    /// <summary>The highest canary error rate (5xx and unanswered, 0 to 1) a step may show.</summary>
    /// <value>The default value is 0.01.</value>
    [Range(0.0, 1.0)]
    public double MaxErrorRate { get; init; } = 0.01;

    /// <summary>The highest canary p99 latency a step may show.</summary>
    /// <value>The default value is 500 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan MaxP99 { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Failed analyses (in a row or not) after which the canary is rolled back.</summary>
    /// <value>The default value is 2.</value>
    [Range(1, 100)]
    public int FailureLimit { get; init; } = 2;

    /// <summary>The comparison of the canary with the live slot (the baseline) over the same step.</summary>
    [ValidateObjectMembers]
    public BaselineComparisonOptions Baseline { get; init; } = new();
}

/// <summary>
/// Judges the canary against the live slot serving the same minutes, besides the absolute thresholds: a canary twice as
/// slow as the baseline fails even under a loose <see cref="CanaryOptions.MaxP99"/>, and the comparison is with what
/// customers get today rather than a number chosen once. Both windows need <see cref="CanaryOptions.MinSample"/>
/// requests; with fewer on the baseline only the thresholds judge, and the decision says so.
/// </summary>
public sealed class BaselineComparisonOptions
{
    /// <summary>Whether the canary is compared with the baseline at all.</summary>
    /// <value>
    /// The default value is <see langword="false"/>: a freshly started canary is often slower than a warm baseline for its
    /// first minutes, so the comparison is chosen per deployment (the shop's edge turns it on), not imposed.
    /// </value>
    public bool Enabled { get; init; }

    /// <summary>How far (0 to 1) the canary's error rate may exceed the baseline's.</summary>
    /// <value>The default value is 0.01 (one percentage point).</value>
    [Range(0.0, 1.0)]
    public double MaxErrorRateIncrease { get; init; } = 0.01;

    /// <summary>How many times the baseline's p99 the canary's may be, before <see cref="P99Slack"/>.</summary>
    /// <value>The default value is 1.5.</value>
    [Range(1.0, 100.0)]
    public double MaxP99Ratio { get; init; } = 1.5;

    /// <summary>Latency added to the allowed p99, so that a fast baseline's jitter (2 ms against 5 ms) is not a failure.</summary>
    /// <value>The default value is 100 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan P99Slack { get; init; } = TimeSpan.FromMilliseconds(100);
}

/// <summary>How a customer is recognised for version stickiness.</summary>
public sealed class AffinityOptions
{
    /// <summary>A header naming the customer (set by a trusted client or an auth layer in front).</summary>
    /// <value>The default value is <c>X-Customer-Id</c>.</value>
    [Required]
    public string CustomerHeader { get; init; } = "X-Customer-Id";

    /// <summary>The cookie the edge issues to a caller without a customer header, so anonymous callers stick too.</summary>
    /// <value>The default value is <c>bw-cid</c>.</value>
    [Required]
    public string CustomerCookie { get; init; } = "bw-cid";

    /// <summary>A header that pins a caller to a slot (e.g. testers on the canary); ignored when that slot is not serving.</summary>
    /// <value>The default value is <c>X-Release-Pin</c>.</value>
    [Required]
    public string PinHeader { get; init; } = "X-Release-Pin";

    /// <summary>The cookie form of <see cref="PinHeader"/>.</summary>
    /// <value>The default value is <c>bw-pin</c>.</value>
    [Required]
    public string PinCookie { get; init; } = "bw-pin";
}
