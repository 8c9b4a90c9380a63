using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.TeamAutonomy;

/// <summary>
/// What the Team Autonomy drill releases, where it reads the core, and its thresholds. The target is the edge the
/// customers use. See <c>docs/drills.md#team-autonomy</c>.
/// </summary>
public sealed class TeamAutonomyOptions
{
    /// <summary>
    /// The edge's runtime configuration file (the one it was started with as <c>--edge-config</c>): the mobile team's
    /// release writes <c>Edge:Bff:{Bff}:Screens:{Screen}</c> into it, and the edge reloads it without a restart.
    /// </summary>
    /// <value>The default value is null: the drill is skipped without it.</value>
    public string? EdgeConfigFile { get; set; }

    /// <summary>The core shop behind the edge, read directly for its instance and schema before and after the release.</summary>
    /// <value>The default value is null: the drill is skipped without it.</value>
    public Uri? CoreUrl { get; set; }

    /// <summary>The core's admin key, sent as <c>X-Api-Key</c> to read <c>/api/schema</c>.</summary>
    /// <value>The default value is <c>demo-admin-key-change-me</c>, the shop's Development admin key.</value>
    [Required]
    public string CoreAdminKey { get; set; } = "demo-admin-key-change-me";

    /// <summary>The BFF whose screen the mobile team releases.</summary>
    /// <value>The default value is <c>mobile</c>.</value>
    [Required]
    public string Bff { get; set; } = "mobile";

    /// <summary>The screen released.</summary>
    /// <value>The default value is <c>home</c>.</value>
    [Required]
    public string Screen { get; set; } = "home";

    /// <summary>The screen version the release turns on.</summary>
    /// <value>The default value is <c>2</c> (the mobile home with the featured product's stock).</value>
    [Required]
    public string Version { get; set; } = "2";

    /// <summary>What the phone calls for that screen, on the target.</summary>
    /// <value>The default value is <c>/bff/mobile/home</c>.</value>
    [Required]
    public string MobilePath { get; set; } = "/bff/mobile/home";

    /// <summary>What the browser calls, on the target; its answers must keep their shape through the mobile release.</summary>
    /// <value>The default value is <c>/bff/web/home</c>.</value>
    [Required]
    public string WebPath { get; set; } = "/bff/web/home";

    /// <summary>The top-level field the new feature adds to the mobile answer.</summary>
    /// <value>The default value is <c>stock</c>.</value>
    [Required]
    public string FeatureField { get; set; } = "stock";

    /// <summary>How long customers browse; the release happens a third of the way in.</summary>
    /// <value>The default value is 15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:03", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Customer screens started per second (open loop), alternating phone and browser.</summary>
    /// <value>The default value is 20.</value>
    [Range(1, 500)]
    public double RatePerSecond { get; set; } = 20;

    /// <summary>The new field must show in mobile answers within this after the release.</summary>
    /// <value>The default value is 5 seconds (the edge's file watcher and one reload).</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan LiveWithin { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time between the drill's own reads of both screens (their shapes and the new field).</summary>
    /// <value>The default value is 250 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:10", ParseLimitsInInvariantCulture = true)]
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The share of customer requests that may fail (no answer, or a status outside 2xx).</summary>
    /// <value>The default value is 0.01 (1 %).</value>
    [Range(0.0, 1.0)]
    public double MaxErrorRate { get; set; } = 0.01;

    /// <summary>The core's schema report.</summary>
    /// <value>The default value is <c>/api/schema</c>.</value>
    [Required]
    public string SchemaPath { get; set; } = "/api/schema";

    /// <summary>The core's release and instance report.</summary>
    /// <value>The default value is <c>/health/release</c>.</value>
    [Required]
    public string ReleasePath { get; set; } = "/health/release";
}
