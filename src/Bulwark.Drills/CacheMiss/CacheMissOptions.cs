using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.CacheMiss;

/// <summary>The Cache Miss drill's load and thresholds. See <c>docs/drills.md</c>.</summary>
public sealed class CacheMissOptions
{
    /// <summary>The hot products read (ids 1 to this), i.e. the keys the flush empties under load.</summary>
    /// <value>The default value is 10.</value>
    [Range(1, 10)]
    public int HotProducts { get; set; } = 10;

    /// <summary>Steady reads of the hot products per second, open loop, for <see cref="Duration"/>.</summary>
    /// <value>The default value is 100/s.</value>
    [Range(1, 1000)]
    public double ReadRatePerSecond { get; set; } = 100;

    /// <summary>How long the steady reads run.</summary>
    /// <value>The default value is 6 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>When, into the steady reads, the cache is flushed.</summary>
    /// <value>The default value is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:04:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan FlushAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Right after the flush, this many callers per hot product ask at once, each on its own open connection: the
    /// thundering herd. Callers times products must stay under the target's connections per client (the shop: 100).
    /// </summary>
    /// <value>The default value is 8 (80 callers for 10 products).</value>
    [Range(1, 25)]
    public int HerdPerProduct { get; set; } = 8;

    /// <summary>The most database loads one key may cost after the flush (stampede protection: one).</summary>
    /// <value>The default value is 1.</value>
    [Range(1, 100)]
    public int MaxLoadsPerKey { get; set; } = 1;

    /// <summary>The p99 of every read during the run, herd included.</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan ReadP99Threshold { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The operator endpoint that empties the cache (DELETE, with the operator key).</summary>
    /// <value>The default value is <c>/admin/catalog/cache</c>.</value>
    [Required]
    public string FlushPath { get; set; } = "/admin/catalog/cache";

    /// <summary>Where the operator endpoint and <c>/metrics</c> live, when not on the target (outside Development: the management port).</summary>
    /// <value>The default value is null: the target.</value>
    public Uri? ManagementUrl { get; set; }

    /// <summary>The counter of database loads after a miss, as exported on <c>/metrics</c>.</summary>
    /// <value>The default value is <c>shop_catalog_cache_loads_total</c> with <c>kind="product"</c>.</value>
    [Required]
    public string LoadsMetric { get; set; } = "shop_catalog_cache_loads_total";

    /// <summary>The label pair that selects product loads on <see cref="LoadsMetric"/>.</summary>
    /// <value>The default value is <c>kind="product"</c>.</value>
    public string LoadsLabel { get; set; } = "kind=\"product\"";

    /// <summary>The drill's own client timeout per request.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
