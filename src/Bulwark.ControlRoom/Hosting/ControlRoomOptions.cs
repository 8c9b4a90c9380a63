using System.ComponentModel.DataAnnotations;

namespace Bulwark.ControlRoom.Hosting;

/// <summary>How the Control Room refreshes and what it keeps. Bound from <c>Bulwark:ControlRoom</c>. See docs/control-room.md.</summary>
public sealed class ControlRoomOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bulwark:ControlRoom";

    /// <summary>How often an open page refreshes each panel (it skips a panel while the keyboard focus is inside it).</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Meter name prefixes the metric panels listen to (instruments of other meters are never read).</summary>
    /// <value>The default value is <c>Bulwark.</c>; a host adds its own (the shop adds <c>Shop.</c>).</value>
    public IList<string> MeterPrefixes { get; } = ["Bulwark."];

    /// <summary>Saga types whose parked and compensating instances the sagas panel lists (the store is queried per type).</summary>
    /// <value>The default value is empty.</value>
    public IList<string> SagaTypes { get; } = [];

    /// <summary>How many dead letters the dead-letter panel lists, oldest first.</summary>
    /// <value>The default value is 50.</value>
    [Range(1, 1000)]
    public int DeadLetterPageSize { get; set; } = 50;

    /// <summary>The trace store: which traces are kept and how many.</summary>
    public TraceKeepingOptions Traces { get; } = new();
}

/// <summary>
/// The tail-keeping rule: every local trace is recorded in memory until its local root span ends, then kept only when a
/// span failed or the root took at least <see cref="SlowThreshold"/>. OTLP export is not affected.
/// </summary>
public sealed class TraceKeepingOptions
{
    /// <summary>Whether the trace listener runs at all.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>A trace whose local root span lasts at least this long is kept.</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan SlowThreshold { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many kept traces the store holds; the oldest is dropped first.</summary>
    /// <value>The default value is 200.</value>
    [Range(1, 100_000)]
    public int MaxTraces { get; set; } = 200;

    /// <summary>How many spans one trace may hold; later spans are counted, not stored.</summary>
    /// <value>The default value is 256.</value>
    [Range(1, 10_000)]
    public int MaxSpansPerTrace { get; set; } = 256;

    /// <summary>How many unfinished traces are buffered while their root runs; beyond it new traces are not recorded.</summary>
    /// <value>The default value is 2048.</value>
    [Range(1, 1_000_000)]
    public int MaxPendingTraces { get; set; } = 2048;

    /// <summary>Activity source name prefixes that are recorded.</summary>
    /// <value>The default value is <c>Microsoft.AspNetCore</c>, <c>System.Net.Http</c> and <c>Bulwark.</c>.</value>
    public IList<string> Sources { get; } = ["Microsoft.AspNetCore", "System.Net.Http", "Bulwark."];
}
