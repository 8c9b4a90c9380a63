using System.ComponentModel.DataAnnotations;
using Bulwark.ShopClient;

namespace Bulwark.Drills.SlowLoris;

/// <summary>Attack size and thresholds of the Slow-Loris drill. See <c>docs/drills.md</c>.</summary>
public sealed class SlowLorisOptions
{
    /// <summary>Raw TCP connections that send request headers one byte at a time and never finish them.</summary>
    /// <value>The default value is 200.</value>
    [Range(1, 2000)]
    public int Connections { get; set; } = 200;

    /// <summary>Time between bytes on each slow connection.</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30", ParseLimitsInInvariantCulture = true)]
    public TimeSpan ByteInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the attack and the measurements last. Longer than <see cref="HeaderTimeoutExpected"/> plus <see cref="CutoffGrace"/> to judge the server's cut-off.</summary>
    /// <value>The default value is 40 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(40);

    /// <summary>The server's expected limit on receiving request headers (Kestrel's <c>RequestHeadersTimeout</c> defaults to 30 s).</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan HeaderTimeoutExpected { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Slack on top of <see cref="HeaderTimeoutExpected"/> (Kestrel checks timeouts on a 1 s heartbeat).</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan CutoffGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>What a normal user asks for during the attack.</summary>
    /// <value>The default value is <c>/api/products/1</c>.</value>
    [Required]
    public string ProbePath { get; set; } = ShopPaths.Product(1);

    /// <summary>Normal users' request rate (open loop: they keep coming whether or not the server keeps up).</summary>
    /// <value>The default value is 20 requests per second.</value>
    [Range(0.1, 500)]
    public double ProbeRatePerSecond { get; set; } = 20;

    /// <summary>Normal users' p99 must stay at or under this.</summary>
    /// <value>The default value is 500 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan ProbeP99Threshold { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Share of normal requests that must answer 200.</summary>
    /// <value>The default value is 0.99.</value>
    [Range(0.0, 1.0)]
    public double ProbeMinSuccessRate { get; set; } = 0.99;

    /// <summary>A dependency made slow during the attack (the Codex's "database takes 20 seconds"); skipped when no switch has this name.</summary>
    /// <value>The default value is <c>payments</c>.</value>
    [Required]
    public string SlowDependency { get; set; } = "payments";

    /// <summary>How slow the dependency becomes.</summary>
    /// <value>The default value is 20 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan SlowDependencyLatency { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Callers of the slow dependency (closed-loop workers).</summary>
    /// <value>The default value is 8.</value>
    [Range(1, 64)]
    public int SlowCallConcurrency { get; set; } = 8;

    /// <summary>A call to the slow dependency must give up within this: the timeout budget.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan SlowCallP99Threshold { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The call that needs the slow dependency.</summary>
    /// <value>The default value is <c>/api/payments/charges</c>.</value>
    [Required]
    public string SlowCallPath { get; set; } = ShopPaths.Charges;

    /// <summary>Its JSON body.</summary>
    /// <value>The default value is a 19.99 EUR charge on <c>tok_visa</c>.</value>
    [Required]
    public string SlowCallJson { get; set; } = """{"reference":"drill-slow-loris","amountCents":1999,"currency":"EUR","cardToken":"tok_visa"}""";
}
