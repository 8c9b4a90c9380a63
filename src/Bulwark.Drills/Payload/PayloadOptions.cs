using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.Payload;

/// <summary>The Payload drill's hostile bodies and thresholds. See <c>docs/drills.md</c>.</summary>
public sealed class PayloadOptions
{
    /// <summary>The endpoint the bodies go to (a customer's write that takes an <c>Idempotency-Key</c>).</summary>
    /// <value>The default value is <c>/api/orders</c>.</value>
    [Required]
    public string Path { get; set; } = "/api/orders";

    /// <summary>The size of the over-size body: a valid order padded with a long string.</summary>
    /// <value>The default value is 4,000,000 bytes (the shop's limit is 1 MiB).</value>
    [Range(1024, 64 * 1024 * 1024)]
    public int OversizeBytes { get; set; } = 4_000_000;

    /// <summary>Items in the huge-JSON body (an order of many lines, each small, under the size limit when few).</summary>
    /// <value>The default value is 25,000 (about 750 KB).</value>
    [Range(1, 1_000_000)]
    public int HugeItems { get; set; } = 25_000;

    /// <summary>How deep the deep-nesting body nests arrays.</summary>
    /// <value>The default value is 10,000 levels.</value>
    [Range(65, 1_000_000)]
    public int NestingDepth { get; set; } = 10_000;

    /// <summary>Rounds of every hostile body.</summary>
    /// <value>The default value is 3.</value>
    [Range(1, 50)]
    public int Rounds { get; set; } = 3;

    /// <summary>How much the target's working set may grow over the run (its <c>/metrics</c>, when it exports it).</summary>
    /// <value>The default value is 256 MiB.</value>
    [Range(1024 * 1024, 8L * 1024 * 1024 * 1024)]
    public long MaxMemoryGrowthBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Where <c>/metrics</c> lives, when not on the target (outside Development: the management port).</summary>
    /// <value>The default value is null: the target.</value>
    public Uri? ManagementUrl { get; set; }

    /// <summary>The working-set gauge on <c>/metrics</c>.</summary>
    /// <value>The default value is <c>dotnet_process_memory_working_set_bytes</c> (the System.Runtime meter).</value>
    [Required]
    public string MemoryMetric { get; set; } = "dotnet_process_memory_working_set_bytes";

    /// <summary>The drill's own client timeout per request.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
