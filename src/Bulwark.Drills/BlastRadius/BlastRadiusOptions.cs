using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.BlastRadius;

/// <summary>What the canary Blast Radius drill (Codex 24) breaks and how it loads the edge. See <c>docs/edge.md</c>.</summary>
public sealed class BlastRadiusOptions
{
    /// <summary>The slot started as the canary.</summary>
    /// <value>The default value is <c>green</c>.</value>
    [Required]
    public string Canary { get; set; } = "green";

    /// <summary>
    /// The base URL of the canary's own payment provider stand-in, whose <c>/_control/faults</c> makes the canary's
    /// payment calls fail; the live slot's stand-in is not touched, so only the canary build is bad.
    /// </summary>
    /// <value>The default value is <c>http://127.0.0.1:5111</c> (green's stand-in in <c>deploy/edge/start.sh green</c>).</value>
    [Required]
    public string CanaryPaymentControl { get; set; } = "http://127.0.0.1:5111";

    /// <summary>
    /// The share of the canary's calls to its payment provider that fail. A shop that retries them hides most of this
    /// from its customers (and then is not a bad build): the canary under test is one whose retry is gone.
    /// </summary>
    /// <value>The default value is 0.2.</value>
    [Range(0.01, 1.0)]
    public double PaymentErrorRate { get; set; } = 0.2;

    /// <summary>
    /// The status the canary's payment stand-in answers those calls with: 503 (the provider failing, which the shop
    /// answers 503) or 402 (the provider declining, which the shop answers 402: no HTTP error at the edge, only the
    /// business metric, <c>Edge:Release:Canary:Business</c>, sees it).
    /// </summary>
    /// <value>The default value is 503.</value>
    [Range(400, 599)]
    public int PaymentErrorStatus { get; set; } = 503;

    /// <summary>Distinct customers (<c>X-Customer-Id</c>); the canary's weight picks its share of them.</summary>
    /// <value>The default value is 1,000 (at a 1% first step about 10 reach the canary).</value>
    [Range(1, 1_000_000)]
    public int Customers { get; set; } = 1_000;

    /// <summary>Parallel callers (closed loop).</summary>
    /// <value>The default value is 8.</value>
    [Range(1, 256)]
    public int Workers { get; set; } = 8;

    /// <summary>Every how-many-th customer request is a payment; the rest browse.</summary>
    /// <value>The default value is 4.</value>
    [Range(1, 1000)]
    public int ChargeEvery { get; set; } = 4;

    /// <summary>The browse path.</summary>
    /// <value>The default value is <c>/api/products/1</c>.</value>
    [Required]
    public string BrowsePath { get; set; } = "/api/products/1";

    /// <summary>The payment path (POST, with a fresh <c>Idempotency-Key</c> each time).</summary>
    /// <value>The default value is <c>/api/payments/charges</c>.</value>
    [Required]
    public string ChargePath { get; set; } = "/api/payments/charges";

    /// <summary>The payment body.</summary>
    /// <value>The default value is a 19.99 EUR charge on <c>tok_visa</c>.</value>
    [Required]
    public string ChargeJson { get; set; } = """{"reference":"drill-blast-radius","amountCents":1999,"currency":"EUR","cardToken":"tok_visa"}""";

    /// <summary>
    /// Sent as <c>X-Api-Key</c> on customer requests: the shop's charge endpoint is an operator's, and the key keeps the
    /// drill's load out of the anonymous rate-limit tier (the edge is one address to the shop).
    /// </summary>
    /// <value>The default value is the shop's Development admin key, <c>demo-admin-key-change-me</c>.</value>
    public string? ShopApiKey { get; set; } = "demo-admin-key-change-me";

    /// <summary>How long the drill waits for the edge's analysis to decide.</summary>
    /// <value>The default value is 3 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>The highest share of all customer requests that may see an error.</summary>
    /// <value>The default value is 0.01 (1%).</value>
    [Range(0.0, 1.0)]
    public double MaxErrorShare { get; set; } = 0.01;

    /// <summary>A bound on the customer requests the drill sends.</summary>
    /// <value>The default value is 500,000.</value>
    [Range(1, 10_000_000)]
    public long MaxRequests { get; set; } = 500_000;
}
