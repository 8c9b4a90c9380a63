using System.ComponentModel.DataAnnotations;

namespace Bulwark.Observability.Telemetry;

/// <summary>The Prometheus scrape endpoint. Bound from <c>Bulwark:Observability:Prometheus</c>.</summary>
public sealed class BulwarkPrometheusOptions
{
    /// <summary>Whether metrics are served in the Prometheus text format at <see cref="Path"/>.</summary>
    /// <value>The default value is <see langword="false"/>: opt in, since the endpoint shows internals and belongs on a private network.</value>
    public bool Enabled { get; set; }

    /// <summary>The path Prometheus scrapes.</summary>
    /// <value>The default value is <c>/metrics</c>.</value>
    [Required]
    [RegularExpression("^/[A-Za-z0-9/_.-]*$", ErrorMessage = "The Prometheus path must start with '/' and hold only letters, digits, '/', '_', '.' and '-'.")]
    public string Path { get; set; } = "/metrics";

    /// <summary>How long one scrape's answer is reused for the next scrapes; zero renders every scrape.</summary>
    /// <value>The default value is 0 (every scrape sees the current values; scrapes are rare, every 15 s or so).</value>
    [Range(0, 60_000)]
    public int ScrapeResponseCacheMilliseconds { get; set; }
}
