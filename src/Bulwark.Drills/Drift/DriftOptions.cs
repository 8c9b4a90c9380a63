using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.Drift;

/// <summary>What the Drift drill changes and how long detection may take. See <c>docs/releases.md</c>.</summary>
public sealed class DriftOptions
{
    /// <summary>The release folder the target runs from (it holds <c>release.json</c>); the drill changes a file in it.</summary>
    /// <value>The default value is null: the drill cannot run without it.</value>
    public string? ReleaseFolder { get; set; }

    /// <summary>
    /// The file changed under the running instance, relative to the release folder. A <c>.json</c> file gets a new
    /// setting (a changed configuration); any other file gets bytes appended (a patched binary).
    /// </summary>
    /// <value>The default value is <c>appsettings.json</c>.</value>
    [Required]
    public string TamperFile { get; set; } = "appsettings.json";

    /// <summary>The drift must be reported within this after the change.</summary>
    /// <value>The default value is 60 seconds (two of the instance's default 30-second checks).</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan DetectWithin { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Time between reads of the release report.</summary>
    /// <value>The default value is 250 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:10", ParseLimitsInInvariantCulture = true)]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The release report.</summary>
    /// <value>The default value is <c>/health/release</c>.</value>
    [Required]
    public string ReleasePath { get; set; } = "/health/release";

    /// <summary>The readiness probe, whose <c>release</c> check must turn degraded.</summary>
    /// <value>The default value is <c>/health/ready</c>.</value>
    [Required]
    public string ReadyPath { get; set; } = "/health/ready";

    /// <summary>The Prometheus scrape (on the management port outside Development); null means the target's <c>/metrics</c>.</summary>
    /// <value>The default value is null.</value>
    public Uri? MetricsUrl { get; set; }
}
