using System.ComponentModel.DataAnnotations;
using Bulwark.Drills.Switches;
using Bulwark.ShopClient;

namespace Bulwark.Drills.PlugPull;

/// <summary>Thresholds and load of the Plug-Pull drill. See <c>docs/drills.md</c>.</summary>
public sealed class PlugPullOptions
{
    /// <summary>The dependency whose plug is pulled.</summary>
    /// <value>The default value is <c>payments</c>.</value>
    [Required]
    public string Dependency { get; set; } = "payments";

    /// <summary>How the plug is pulled: <see cref="DependencyFault.Down"/> (refused/aborted) or <see cref="DependencyFault.Blackhole"/> (hangs, the real cable pull).</summary>
    /// <value>The default value is <see cref="DependencyFault.Down"/>.</value>
    [AllowedValues(DependencyFault.Down, DependencyFault.Blackhole, ErrorMessage = "Plug-Pull pulls the plug with Down or Blackhole; a slow dependency is the slow-loris drill.")]
    public DependencyFault Fault { get; set; } = DependencyFault.Down;

    /// <summary>How long load runs with the plug pulled.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Browse requests per second (open loop, like shoppers who keep arriving) on <c>/api/products</c> and <c>/api/products/{id}</c>.</summary>
    /// <value>The default value is 200.</value>
    [Range(0.1, Load.LoadOptions.RateCap)]
    public double BrowseRatePerSecond { get; set; } = 200;

    /// <summary>Browse requests at most.</summary>
    /// <value>The default value is 20000.</value>
    [Range(1, 100_000)]
    public int BrowseMaxRequests { get; set; } = 20_000;

    /// <summary>Product ids 1..N are browsed in turn.</summary>
    /// <value>The default value is 20.</value>
    [Range(1, 10_000)]
    public int ProductCount { get; set; } = 20;

    /// <summary>Browse p99 must stay at or under this with the plug pulled.</summary>
    /// <value>The default value is 500 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan BrowseP99Threshold { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Payment workers (closed loop) on the charge path.</summary>
    /// <value>The default value is 2.</value>
    [Range(1, 32)]
    public int PaymentConcurrency { get; set; } = 2;

    /// <summary>Charge attempts at most.</summary>
    /// <value>The default value is 40.</value>
    [Range(1, 10_000)]
    public int PaymentMaxRequests { get; set; } = 40;

    /// <summary>A failed charge must answer within this: fail fast, never hang.</summary>
    /// <value>The default value is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan PaymentsP99Threshold { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The drill's own client gives up on a request after this (counted as a timeout).</summary>
    /// <value>The default value is 15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The charge endpoint.</summary>
    /// <value>The default value is <c>/api/payments/charges</c>.</value>
    [Required]
    public string ChargePath { get; set; } = ShopPaths.Charges;

    /// <summary>The charge body.</summary>
    /// <value>The default value is a 19.99 EUR charge on <c>tok_visa</c>.</value>
    [Required]
    public string ChargeJson { get; set; } = """{"reference":"drill-plug-pull","amountCents":1999,"currency":"EUR","cardToken":"tok_visa"}""";
}
