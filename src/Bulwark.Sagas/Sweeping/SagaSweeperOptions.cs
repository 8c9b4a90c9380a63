using System.ComponentModel.DataAnnotations;

namespace Bulwark.Sagas;

/// <summary>How often unfinished sagas whose run died are picked up again. Bound from <c>Bulwark:Sagas:Sweeper</c>.</summary>
public sealed class SagaSweeperOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bulwark:Sagas:Sweeper";

    /// <summary>The pause between two sweeps.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long an unfinished instance must have been still before a sweep continues it. Instances a run of this
    /// process drives are never swept; the threshold protects runs in other processes sharing the store.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an unfinished instance must have been still before the sweep at start-up continues it. Zero suits one
    /// process per store: at its start every unfinished instance is an earlier run's. When several processes share the
    /// store (a fleet), set it to <see cref="StaleAfter"/>: an instance joining must not take over runs that live in
    /// another process (the step would run twice before the version check stops one of them).
    /// </summary>
    /// <value>The default value is zero.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan StartupStaleAfter { get; set; } = TimeSpan.Zero;
}
