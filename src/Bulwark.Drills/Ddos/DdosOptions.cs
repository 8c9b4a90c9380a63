using System.ComponentModel.DataAnnotations;
using Bulwark.ShopClient;

namespace Bulwark.Drills.Ddos;

/// <summary>Load and thresholds of the DDoS drill. See <c>docs/drills.md</c>.</summary>
public sealed class DdosOptions
{
    /// <summary>The header that names the caller.</summary>
    /// <value>The default value is <c>X-Api-Key</c>.</value>
    [Required]
    public string ApiKeyHeader { get; set; } = "X-Api-Key";

    /// <summary>The noisy caller's key.</summary>
    /// <value>The default value is <c>drill-noisy</c>.</value>
    [Required]
    public string NoisyKey { get; set; } = "drill-noisy";

    /// <summary>Quiet callers (keys <c>drill-quiet-1</c>..N).</summary>
    /// <value>The default value is 2.</value>
    [Range(1, 16)]
    public int QuietCallers { get; set; } = 2;

    /// <summary>Each quiet caller's request rate (open loop).</summary>
    /// <value>The default value is 10 requests per second.</value>
    [Range(0.1, 100)]
    public double QuietRatePerSecond { get; set; } = 10;

    /// <summary>The path everyone calls.</summary>
    /// <value>The default value is <c>/api/products</c>.</value>
    [Required]
    public string Path { get; set; } = ShopPaths.Products();

    /// <summary>The noisy caller's open-loop rate. The Codex says 10,000/s; this machine's drills are capped at 2,000/s.</summary>
    /// <value>The default value is 300 requests per second.</value>
    [Range(1, Load.LoadOptions.RateCap)]
    public double NoisyRatePerSecond { get; set; } = 300;

    /// <summary>How long the burst lasts.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long quiet callers are measured alone first, for their baseline p99.</summary>
    /// <value>The default value is 3 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan BaselineDuration { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The per-key limit the target is expected to enforce; admissions above it are "excess".</summary>
    /// <value>The default value is 100 requests per second.</value>
    [Range(0.1, 100_000)]
    public double ExpectedLimitPerSecond { get; set; } = 100;

    /// <summary>Share of the excess that must be rejected with 429.</summary>
    /// <value>The default value is 0.9.</value>
    [Range(0.0, 1.0)]
    public double MinRejectedShareOfExcess { get; set; } = 0.9;

    /// <summary>Quiet p99 under attack may be at most this many times the baseline p99...</summary>
    /// <value>The default value is 3.</value>
    [Range(1.0, 100.0)]
    public double QuietP99Factor { get; set; } = 3;

    /// <summary>...or this, whichever is larger (tiny baselines make ratios meaningless).</summary>
    /// <value>The default value is 250 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan QuietP99Floor { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Quiet callers' error rate (no response or 5xx) under attack may be at most this.</summary>
    /// <value>The default value is 0.01.</value>
    [Range(0.0, 1.0)]
    public double QuietMaxErrorRate { get; set; } = 0.01;

    /// <summary>The drill's own client gives up on a request after this.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
