using System.ComponentModel.DataAnnotations;
using Bulwark.ShopClient;

namespace Bulwark.Drills.Zombie;

/// <summary>Probes and thresholds of the Zombie drill. See <c>docs/drills.md</c>.</summary>
public sealed class ZombieOptions
{
    /// <summary>An external API the target calls (not a local dependency): its outage must not flip readiness.</summary>
    /// <value>The default value is <c>payments</c>.</value>
    [Required]
    public string ExternalDependency { get; set; } = "payments";

    /// <summary>A critical local dependency (database, broker) behind a switch; its outage must flip readiness. Optional.</summary>
    /// <value>The default value is <c>critical</c>.</value>
    [Required]
    public string CriticalDependency { get; set; } = "critical";

    /// <summary>How long the probes are watched with the external dependency down.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan ObserveFor { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time between probe rounds.</summary>
    /// <value>The default value is 250 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:10", ParseLimitsInInvariantCulture = true)]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>With the critical dependency down, readiness must fail within this.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan ReadyDropWithin { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>After it is back, readiness must recover within this.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RecoverWithin { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The liveness probe.</summary>
    /// <value>The default value is <c>/health/live</c>.</value>
    [Required]
    public string LivePath { get; set; } = ShopPaths.Live;

    /// <summary>The readiness probe.</summary>
    /// <value>The default value is <c>/health/ready</c>.</value>
    [Required]
    public string ReadyPath { get; set; } = ShopPaths.Ready;

    /// <summary>A page that does not need the external dependency.</summary>
    /// <value>The default value is <c>/api/products</c>.</value>
    [Required]
    public string BrowsePath { get; set; } = ShopPaths.Products();
}
