using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
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

    /// <summary>A business metric read from each slot's own <c>/metrics</c> and compared canary against baseline.</summary>
    [ValidateObjectMembers]
    public BusinessMetricOptions Business { get; init; } = new();
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

    /// <summary>How the canary is compared: a statistical test plus a practical margin, or the fixed margins alone.</summary>
    /// <value>The default value is <see cref="BaselineComparisonMethod.Statistical"/>.</value>
    [EnumDataType(typeof(BaselineComparisonMethod))]
    public BaselineComparisonMethod Method { get; init; } = BaselineComparisonMethod.Statistical;

    /// <summary>
    /// The significance level of the statistical tests: the canary is worse only when the one-sided p-value is below it
    /// (and the difference exceeds the practical margin).
    /// </summary>
    /// <value>The default value is 0.05.</value>
    [Range(0.0, 0.5, MinimumIsExclusive = true)]
    public double Alpha { get; init; } = 0.05;

    /// <summary>
    /// How far (0 to 1) the canary's error rate may exceed the baseline's: with <see cref="BaselineComparisonMethod.Statistical"/>
    /// the practical margin a significant difference must also exceed; with <see cref="BaselineComparisonMethod.FixedMargin"/> the whole rule.
    /// </summary>
    /// <value>The default value is 0.01 (one percentage point).</value>
    [Range(0.0, 1.0)]
    public double MaxErrorRateIncrease { get; init; } = 0.01;

    /// <summary>
    /// The latency practical margin with <see cref="BaselineComparisonMethod.Statistical"/>: how far above 0.5 the chance that a
    /// canary request is slower than a baseline request (the Mann-Whitney effect size) must be, besides being significant.
    /// </summary>
    /// <value>The default value is 0.1 (a canary request slower in more than 60% of pairs).</value>
    [Range(0.0, 0.5)]
    public double LatencyMargin { get; init; } = 0.1;

    /// <summary>With <see cref="BaselineComparisonMethod.FixedMargin"/>: how many times the baseline's p99 the canary's may be, before <see cref="P99Slack"/>.</summary>
    /// <value>The default value is 1.5.</value>
    [Range(1.0, 100.0)]
    public double MaxP99Ratio { get; init; } = 1.5;

    /// <summary>Latency added to the allowed p99, so that a fast baseline's jitter (2 ms against 5 ms) is not a failure.</summary>
    /// <value>The default value is 100 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan P99Slack { get; init; } = TimeSpan.FromMilliseconds(100);
}

/// <summary>How the canary is compared with its baseline.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BaselineComparisonMethod>))]
public enum BaselineComparisonMethod
{
    /// <summary>
    /// Worse only when a one-sided test is significant at <see cref="BaselineComparisonOptions.Alpha"/> and the difference
    /// exceeds the practical margin: two-proportion (or Fisher's exact) test on the error rate, Mann-Whitney U on latency.
    /// </summary>
    Statistical,

    /// <summary>The fixed margins alone, whatever the sample: error rate + <c>MaxErrorRateIncrease</c>, p99 × <c>MaxP99Ratio</c> + <c>P99Slack</c>.</summary>
    FixedMargin,
}

/// <summary>
/// A business metric judged per slot: two counters from each slot's own Prometheus <c>/metrics</c> ("good" and "bad"
/// outcomes, e.g. payments succeeded and failed), read at each step's start and at each analysis; the canary's bad
/// share over the step is compared with the baseline's by the same statistical test. Because each slot counts its own
/// outcomes, it also sees traffic that reached the slot through other edge instances. Off when <see cref="Bad"/> is not set.
/// </summary>
public sealed class BusinessMetricOptions
{
    /// <summary>
    /// The "bad" outcomes counter as a Prometheus series selector, e.g. <c>shop_payments_total{outcome="failed"}</c>; every
    /// series with that name and those labels is summed.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: no business metric.</value>
    public string? Bad { get; init; }

    /// <summary>The "good" outcomes counter, e.g. <c>shop_payments_total{outcome="succeeded"}</c>; required with <see cref="Bad"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Good { get; init; }

    /// <summary>Whether a business metric is configured.</summary>
    public bool Enabled => Bad is not null;

    /// <summary>The metrics path on each slot's base URL, used for slots without an entry in <see cref="MetricsUrls"/>.</summary>
    /// <value>The default value is <c>/metrics</c>.</value>
    [Required]
    public string MetricsPath { get; init; } = "/metrics";

    /// <summary>A slot's metrics URL when it is not its base URL + <see cref="MetricsPath"/> (e.g. a management port).</summary>
    /// <value>The default value is empty.</value>
    public Dictionary<string, string> MetricsUrls { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How far (0 to 1) the canary's bad share may exceed the baseline's: the practical margin a significant difference must also exceed.</summary>
    /// <value>The default value is 0.02 (two percentage points).</value>
    [Range(0.0, 1.0)]
    public double MaxBadRateIncrease { get; init; } = 0.02;

    /// <summary>Business outcomes (good + bad) the canary needs in a step before a clean result may promote; fewer holds.</summary>
    /// <value>The default value is 20.</value>
    [Range(1, 1_000_000)]
    public int MinEvents { get; init; } = 20;

    /// <summary>How long one read of a slot's metrics may take.</summary>
    /// <value>The default value is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:30")]
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);
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
