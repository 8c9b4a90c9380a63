using System.ComponentModel.DataAnnotations;

namespace Bulwark.EventSourcing;

/// <summary>How aggregates are loaded and saved. Bound from <c>Bulwark:EventSourcing</c>.</summary>
public sealed class AggregateRepositoryOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Bulwark:EventSourcing";

    /// <summary>A snapshot is saved each time a stream's version crosses a multiple of this; 0 disables snapshots.</summary>
    /// <value>The default value is 100.</value>
    [Range(0, 1_000_000)]
    public int SnapshotEvery { get; set; } = 100;
}
