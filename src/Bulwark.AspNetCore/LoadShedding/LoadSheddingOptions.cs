using System.ComponentModel.DataAnnotations;

namespace Bulwark.AspNetCore.LoadShedding;

/// <summary>
/// Load shedding in front of a scarce resource (the database): requests pass through a bulkhead compartment, and one
/// that finds it full, or would wait in its queue past its deadline, gets 503 with <c>Retry-After</c> at once.
/// Bound from <c>Bulwark:LoadShedding</c>; the compartment's limits from <c>Bulwark:Resilience:Bulkheads:{Compartment}</c>.
/// </summary>
/// <remarks>See docs/resilience.md#load-shedding.</remarks>
public sealed class LoadSheddingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bulwark:LoadShedding";

    /// <summary>Whether requests are admitted through the compartment at all; off, every request runs and waits where it must.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>The bulkhead compartment requests are admitted through.</summary>
    /// <value>The default value is <c>database</c>.</value>
    [Required(AllowEmptyStrings = false)]
    public string Compartment { get; set; } = "database";

    /// <summary>The longest a request waits in the compartment's queue for a slot before it is refused.</summary>
    /// <value>The default value is 2 seconds; zero never queues.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan MaxQueueWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The time a request needs left of its deadline once admitted: it waits in the queue at most until its deadline
    /// less this, and is refused (503, retry) rather than admitted to run out of time (504).
    /// </summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan DeadlineReserve { get; set; } = TimeSpan.FromSeconds(1);
}
