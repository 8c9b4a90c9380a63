using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.ThreeAm;

/// <summary>The 3 AM drill's Prometheus, outage and time limits. See <c>docs/drills.md</c>.</summary>
public sealed class ThreeAmOptions
{
    /// <summary>The Prometheus server binary (Debian's <c>prometheus</c> package), a path or a name on PATH.</summary>
    /// <value>The default value is <c>prometheus</c>.</value>
    [Required]
    public string PrometheusPath { get; set; } = "prometheus";

    /// <summary>The alert rules under test, as deployed.</summary>
    /// <value>The default value is <c>deploy/prometheus/alerts.yml</c> (from the repository root).</value>
    [Required]
    public string RulesFile { get; set; } = Path.Combine("deploy", "prometheus", "alerts.yml");

    /// <summary>The runbook every alert's <c>runbook_url</c> must point into (a <c>## AlertName</c> section).</summary>
    /// <value>The default value is <c>docs/runbook.md</c>.</value>
    [Required]
    public string RunbookFile { get; set; } = Path.Combine("docs", "runbook.md");

    /// <summary>How much faster than written the rules run: every <c>for:</c> and range window is divided by it.</summary>
    /// <value>The default value is 20 (a rule's minute is 3 seconds).</value>
    [Range(1, 600)]
    public int TimeScale { get; set; } = 20;

    /// <summary>Prometheus's scrape and evaluation interval for the drill.</summary>
    /// <value>The default value is 2 seconds (also the scrape timeout: a loaded 2-core machine needs more than 1 s).</value>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:00:15", ParseLimitsInInvariantCulture = true)]
    public TimeSpan ScrapeInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the non-symptom (a disk 80% full, the site fine) is watched: no page may fire.</summary>
    /// <value>The default value is 20 seconds (longer than any scaled critical <c>for:</c>, 15 s, plus a few evaluations).</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan NonSymptomFor { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The dependency whose outage users feel (charges fail).</summary>
    /// <value>The default value is <c>payments</c>.</value>
    [Required]
    public string Dependency { get; set; } = "payments";

    /// <summary>The page-worthy alert the outage must fire.</summary>
    /// <value>The default value is <c>HighErrorRate</c>.</value>
    [Required]
    public string ExpectedPage { get; set; } = "HighErrorRate";

    /// <summary>The severity that wakes a person up.</summary>
    /// <value>The default value is <c>critical</c>.</value>
    [Required]
    public string PageSeverity { get; set; } = "critical";

    /// <summary>How long after the expected alert's scaled <c>for:</c> it may take to fire (scrapes, rate windows, evaluation).</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan FireGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Customer reads per second during both phases (so the target has traffic to measure).</summary>
    /// <value>The default value is 20/s.</value>
    [Range(1, 500)]
    public double BrowseRatePerSecond { get; set; } = 20;

    /// <summary>Charges per second during the outage (each one a customer who cannot pay).</summary>
    /// <value>The default value is 10/s.</value>
    [Range(1, 200)]
    public double ChargeRatePerSecond { get; set; } = 10;

    /// <summary>The operator charge endpoint the outage breaks.</summary>
    /// <value>The default value is <c>/api/payments/charges</c>.</value>
    [Required]
    public string ChargePath { get; set; } = "/api/payments/charges";

    /// <summary>The body of each charge.</summary>
    /// <value>The default value is 10.00 EUR on <c>tok_visa</c>.</value>
    [Required]
    public string ChargeJson { get; set; } = """{"reference":"drill-3am","amountCents":1000,"currency":"EUR","cardToken":"tok_visa"}""";

    /// <summary>Where <c>/metrics</c> lives, when not on the target (outside Development: the management port).</summary>
    /// <value>The default value is null: the target.</value>
    public Uri? ManagementUrl { get; set; }
}
