using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.Physics;

/// <summary>How many pages the Physics drill (static content offloading, Codex 19) loads and what it tolerates. See <c>docs/static-content.md</c>.</summary>
public sealed class PhysicsOptions
{
    /// <summary>The HTML page a visitor loads, <c>{id}</c> replaced by a product id.</summary>
    /// <value>The default value is <c>/products/{id}</c>, the storefront's product page.</value>
    [Required]
    public string PagePath { get; set; } = "/products/{id}";

    /// <summary>Product ids 1 to this number are visited in turn (each page links its own picture).</summary>
    /// <value>The default value is 20.</value>
    [Range(1, 10_000)]
    public int Products { get; set; } = 20;

    /// <summary>Page loads measured after the warm-up (every product page once), each fetching every asset it links.</summary>
    /// <value>The default value is 1,000.</value>
    [Range(1, 1_000_000)]
    public int PageLoads { get; set; } = 1_000;

    /// <summary>Parallel visitors, each a fresh browser with an empty cache.</summary>
    /// <value>The default value is 8.</value>
    [Range(1, 256)]
    public int Workers { get; set; } = 8;

    /// <summary>
    /// The largest share of the measured asset fetches that may reach the origin (its
    /// <c>bulwark_static_origin_requests_total</c>); above it the CDN is not offloading.
    /// </summary>
    /// <value>The default value is 0.01 (1%).</value>
    [Range(0.0, 1.0)]
    public double MaxOriginShare { get; set; } = 0.01;

    /// <summary>The origin's Prometheus scrape (on the management port outside Development); null means the target's <c>/metrics</c>.</summary>
    /// <value>The default value is null.</value>
    public Uri? MetricsUrl { get; set; }

    /// <summary>The time one page or asset request may take.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
