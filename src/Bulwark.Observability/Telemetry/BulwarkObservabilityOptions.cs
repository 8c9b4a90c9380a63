using System.ComponentModel.DataAnnotations;

namespace Bulwark.Observability.Telemetry;

/// <summary>How a service reports traces, metrics and logs. Bound from the <c>Bulwark:Observability</c> section.</summary>
public sealed class BulwarkObservabilityOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Bulwark:Observability";

    /// <summary>The service name on every span, metric and log line.</summary>
    /// <value>The default value is the application name of the host.</value>
    public string? ServiceName { get; set; }

    /// <summary>The service version on every span, metric and log line.</summary>
    /// <value>The default value is the entry assembly's informational version.</value>
    public string? ServiceVersion { get; set; }

    /// <summary>Where spans and metrics are exported with OTLP; nothing is exported when unset.</summary>
    /// <value>The default value is <see langword="null"/> (the standard OTEL_EXPORTER_OTLP_ENDPOINT variable also works).</value>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>The share of root traces recorded; a sampled parent is always continued.</summary>
    /// <value>The default value is 1.0 (every trace).</value>
    [Range(0.0, 1.0)]
    public double SamplingRatio { get; set; } = 1.0;

    /// <summary>Whether logs are written as one JSON object per line on stdout.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool JsonConsoleLogs { get; set; } = true;

    /// <summary>
    /// Meters exported besides every <c>Bulwark.*</c> meter, ASP.NET Core's and HttpClient's (a trailing <c>*</c> is a
    /// wildcard), for example the application's own <c>Shop.*</c>.
    /// </summary>
    /// <value>The default value is an empty list.</value>
    public IList<string> Meters { get; } = [];

    /// <summary>The health-check tag that marks a check as part of readiness, copied to the <c>ready</c> label of <c>bulwark.health.status</c>.</summary>
    /// <value>The default value is <c>ready</c> (the tag Bulwark's <c>/health/ready</c> probe selects).</value>
    [Required]
    public string ReadinessTag { get; set; } = "ready";

    /// <summary>The Prometheus scrape endpoint.</summary>
    public BulwarkPrometheusOptions Prometheus { get; } = new();
}

