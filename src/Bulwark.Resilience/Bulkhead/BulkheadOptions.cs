using System.ComponentModel.DataAnnotations;
using Polly;

namespace Bulwark.Resilience.Bulkhead;

/// <summary>
/// Settings of one bulkhead compartment. Bound from <c>Bulwark:Resilience:Bulkheads:{name}</c>; validated at start-up,
/// by the compartment when it is built and by Polly when it joins a pipeline.
/// </summary>
/// <remarks>See docs/resilience.md#bulkhead.</remarks>
public sealed class BulkheadOptions : ResilienceStrategyOptions
{
    /// <summary>Creates the options with their defaults.</summary>
    public BulkheadOptions() => Name = "BulwarkBulkhead";

    /// <summary>Calls that may run at once in the compartment.</summary>
    /// <value>The default value is 10.</value>
    [Range(1, 100_000)]
    public int MaxConcurrency { get; set; } = 10;

    /// <summary>Calls that may wait for a slot; a call beyond that is refused at once.</summary>
    /// <value>The default value is 0: no waiting, a full compartment refuses immediately.</value>
    [Range(0, 100_000)]
    public int QueueLimit { get; set; }

    /// <summary>The retry-after hint a refusal carries (the HTTP layer sends it as <c>Retry-After</c>).</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);
}
