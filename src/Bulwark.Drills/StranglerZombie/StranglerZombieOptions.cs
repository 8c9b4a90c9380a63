using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.StranglerZombie;

/// <summary>What the strangler Zombie drill watches. See <c>docs/edge.md</c>.</summary>
public sealed class StranglerZombieOptions
{
    /// <summary>The strangled route's name at the edge.</summary>
    /// <value>The default value is <c>catalog-item</c>.</value>
    [Required]
    public string Route { get; set; } = "catalog-item";

    /// <summary>A public path on that route that customers call, sent through the edge during the watch.</summary>
    /// <value>The default value is <c>/legacy/catalog/item/1</c>.</value>
    [Required]
    public string CustomerPath { get; set; } = "/legacy/catalog/item/1";

    /// <summary>The edge's operator status endpoint (the drill's <c>--api-key</c> opens it).</summary>
    /// <value>The default value is <c>/edge/strangler</c>.</value>
    [Required]
    public string StatusPath { get; set; } = "/edge/strangler";

    /// <summary>How long the drill watches the legacy side while customers use the route.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan ObserveFor { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time between customer requests.</summary>
    /// <value>The default value is 100 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10", ParseLimitsInInvariantCulture = true)]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);
}
