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

    /// <summary>Where the drill history panel finds the reports <c>bulwark drill run</c> writes.</summary>
    public DrillReportsOptions DrillReports { get; } = new();

    /// <summary>Where the alerts panel reads the alerts firing.</summary>
    public AlertsOptions Alerts { get; } = new();

    /// <summary>Where the edge panel reads the release slots and canary, and sends promote and rollback.</summary>
    public EdgePanelOptions Edge { get; } = new();
}

/// <summary>
/// The edge panel's source: a Bulwark edge's operator API (<c>GET {url}/edge/release</c>, <c>POST {url}/edge/release/canary/...</c>)
/// and the operator key it wants. See docs/control-room.md and docs/edge.md.
/// </summary>
public sealed class EdgePanelOptions
{
    /// <summary>The edge's base URL, e.g. <c>http://127.0.0.1:5080</c>.</summary>
    /// <value>The default value is <see langword="null"/>: the panel says how to set it.</value>
    public Uri? Url { get; set; }

    /// <summary>One of the edge's <c>Edge:Operator:ApiKeys</c>; required with <see cref="Url"/>. It is sent to the edge only, never shown.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ApiKey { get; set; }

    /// <summary>The header the edge reads the key from (the edge's <c>Edge:Operator:HeaderName</c>).</summary>
    /// <value>The default value is <c>X-Api-Key</c>.</value>
    public string HeaderName { get; set; } = "X-Api-Key";

    /// <summary>How long the panel waits for the edge's state before it shows the edge as unreachable (the page never waits longer).</summary>
    /// <value>The default value is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:30")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a promote, step, rollback or analyse waits for the edge's answer; without one the outcome is unknown and the page says so.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan ActionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many release decisions (analyses, steps, switches) the panel lists, newest first.</summary>
    /// <value>The default value is 20.</value>
    [Range(1, 200)]
    public int MaxDecisions { get; set; } = 20;
}

/// <summary>
/// The drill history: the reports <c>bulwark drill run</c> writes (<c>--report-dir</c>), read from one folder. Only the
/// newest <see cref="MaxReports"/> report pages are listed and only those can be opened. See docs/control-room.md.
/// </summary>
public sealed class DrillReportsOptions
{
    /// <summary>The folder holding the reports; a relative path is under the host's content root.</summary>
    /// <value>The default value is <see langword="null"/>: the panel says how to set it.</value>
    public string? Path { get; set; }

    /// <summary>How many runs (report pages) the panel lists, newest first; older ones are neither listed nor served.</summary>
    /// <value>The default value is 20.</value>
    [Range(1, 500)]
    public int MaxReports { get; set; } = 20;

    /// <summary>The largest report file (page or JSON summary) the panel reads or serves; a larger one is listed as too large.</summary>
    /// <value>The default value is 16 MiB.</value>
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxReportBytes { get; set; } = 16 * 1024 * 1024;
}

/// <summary>The alerts panel's source: a Prometheus-compatible server's <c>/api/v1/alerts</c>. See docs/control-room.md.</summary>
public sealed class AlertsOptions
{
    /// <summary>The Prometheus server's base URL, e.g. <c>http://127.0.0.1:9090</c>; the panel reads <c>{url}/api/v1/alerts</c>.</summary>
    /// <value>The default value is <see langword="null"/>: the panel says how to set it.</value>
    public Uri? PrometheusUrl { get; set; }

    /// <summary>How long the panel waits for Prometheus before it shows it as unreachable (the page never waits longer).</summary>
    /// <value>The default value is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:30")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many alerts the panel lists (firing first, then by severity and age).</summary>
    /// <value>The default value is 100.</value>
    [Range(1, 10_000)]
    public int MaxAlerts { get; set; } = 100;

    /// <summary>
    /// Resolves a relative <c>runbook_url</c> annotation (the shop's rules say <c>docs/runbook.md#...</c>) to a link, e.g.
    /// the repository's web address ending in <c>/</c>; absolute http(s) annotations are linked as they are.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: a relative runbook is shown as text.</value>
    public Uri? RunbookBaseUrl { get; set; }
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
