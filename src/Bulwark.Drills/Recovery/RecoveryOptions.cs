using System.ComponentModel.DataAnnotations;
using Bulwark.ShopClient;

namespace Bulwark.Drills.Recovery;

/// <summary>Outage, load and thresholds of the Recovery drill. See <c>docs/drills.md</c>.</summary>
public sealed class RecoveryOptions
{
    /// <summary>The dependency taken down and brought back; its switch must count requests (a stand-in does).</summary>
    /// <value>The default value is <c>payments</c>.</value>
    [Required]
    public string Dependency { get; set; } = "payments";

    /// <summary>How long the dependency stays down.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan Outage { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long after it comes back the requests reaching it are counted; longer than <see cref="RecoverWithin"/>.</summary>
    /// <value>The default value is 15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RecoveryWindow { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Client calls that need the dependency, per second (open loop), during the outage and after.</summary>
    /// <value>The default value is 20.</value>
    [Range(0.5, 500)]
    public double ClientRatePerSecond { get; set; } = 20;

    /// <summary>Requests reaching the dependency per client call in the recovery window, at most (1 = no retries).</summary>
    /// <value>The default value is 2.</value>
    [Range(1.0, 100.0)]
    public double MaxAmplification { get; set; } = 2;

    /// <summary>
    /// Client calls must succeed again within this after the dependency is back. A service behind a circuit breaker
    /// recovers only after the breaker's break duration (10 s in the shop), so this must be longer than that.
    /// </summary>
    /// <value>The default value is 12 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RecoverWithin { get; set; } = TimeSpan.FromSeconds(12);

    /// <summary>The drill's own client gives up on a request after this.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The call that needs the dependency.</summary>
    /// <value>The default value is <c>/api/payments/charges</c>.</value>
    [Required]
    public string CallPath { get; set; } = ShopPaths.Charges;

    /// <summary>Its JSON body.</summary>
    /// <value>The default value is a 19.99 EUR charge on <c>tok_visa</c>.</value>
    [Required]
    public string CallJson { get; set; } = """{"reference":"drill-recovery","amountCents":1999,"currency":"EUR","cardToken":"tok_visa"}""";
}
