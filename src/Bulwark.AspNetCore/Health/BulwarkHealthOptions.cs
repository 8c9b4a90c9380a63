using System.ComponentModel.DataAnnotations;

namespace Bulwark.AspNetCore.Health;

/// <summary>Health probe behaviour. Bound from <c>Bulwark:Health</c>.</summary>
public sealed class BulwarkHealthOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bulwark:Health";

    /// <summary>
    /// How long the host keeps serving after shutdown starts while <c>/health/ready</c> already fails, so load
    /// balancers stop routing new requests before the listener closes.
    /// </summary>
    /// <value>The default value is zero (no delay); behind a load balancer use a few probe intervals, e.g. 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan DrainDelay { get; set; } = TimeSpan.Zero;
}
