using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.Hostile;

/// <summary>Attack sizes and bounds of the <see cref="HostileDrill"/>. See <c>docs/drills.md</c>.</summary>
public sealed class HostileOptions
{
    /// <summary>
    /// Whether the target runs in the Development environment, where <c>/metrics</c> and <c>/admin/*</c> may be served on
    /// the public port: the management check is then recorded but not judged.
    /// </summary>
    /// <value>The default value is <see langword="false"/> (judged as Production).</value>
    public bool TargetIsDevelopment { get; set; }

    /// <summary>
    /// The payment provider's base URL, whose <c>GET /charges?idempotencyKey=</c> ledger shows what was really charged
    /// for the drill's order; without it the one-cent check judges the shop's answers only.
    /// </summary>
    /// <value>The default value is none.</value>
    public Uri? ProviderUrl { get; set; }

    /// <summary>
    /// The target's management URL, where operator endpoints are served outside Development; the operator's validation
    /// probe goes there. Without it, an operator endpoint the public port does not serve (404) is listed as not run.
    /// </summary>
    /// <value>The default value is none: operator probes go to the target.</value>
    public Uri? ManagementUrl { get; set; }

    /// <summary>The header the operator key travels in (taken from the context's default headers, never sent by customers).</summary>
    /// <value>The default value is <c>X-Api-Key</c>.</value>
    [Required]
    public string AdminKeyHeader { get; set; } = "X-Api-Key";

    /// <summary>Rounds of over-size bodies: each round sends <see cref="OversizeBytes"/> to every idempotent endpoint.</summary>
    /// <value>The default value is 2.</value>
    [Range(1, 50)]
    public int OversizeRounds { get; set; } = 2;

    /// <summary>The sizes of the over-size JSON bodies (the 1.1 MB and 3.3 MB, above a 1 MiB limit).</summary>
    /// <value>The default value is 1,100,000 and 3,300,000 bytes.</value>
    [MinLength(1)]
    public IList<int> OversizeBytes { get; } = [1_100_000, 3_300_000];

    /// <summary>Idle TCP connections held open from a second loopback address while a customer is served; 0 skips the check.</summary>
    /// <value>The default value is 2,000.</value>
    [Range(0, 20_000)]
    public int IdleConnections { get; set; } = 2_000;

    /// <summary>Connections opened at once while building up the idle ones.</summary>
    /// <value>The default value is 64.</value>
    [Range(1, 512)]
    public int IdleConnectConcurrency { get; set; } = 64;

    /// <summary>The most time spent opening idle connections; those not open by then are not waited for.</summary>
    /// <value>The default value is 20 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:02:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan IdleOpenTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>While the idle connections are open, <c>/health/live</c> and a signed-in customer's read must answer 200 within this.</summary>
    /// <value>The default value is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan IdleProbeBound { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the drill waits for its order to leave <c>Pending</c> before it judges the one-cent check.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan SettleFor { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The pause between two reads of the order while it settles.</summary>
    /// <value>The default value is 1 second (few reads: on a shop without identity they spend the anonymous rate limit).</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10", ParseLimitsInInvariantCulture = true)]
    public TimeSpan SettlePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The product the drill's customers order.</summary>
    /// <value>The default value is 1.</value>
    [Range(1, int.MaxValue)]
    public int ProductId { get; set; } = 1;

    /// <summary>The drill's own client gives up on a request after this.</summary>
    /// <value>The default value is 15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
