using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.Cells;

/// <summary>What the cell Blast Radius drill (Codex 30) kills and how it loads the edge. See <c>docs/cells.md</c>.</summary>
public sealed class CellBlastRadiusOptions
{
    /// <summary>The cell whose process is killed.</summary>
    /// <value>The default value is <c>cell-b</c>.</value>
    [Required]
    public string Victim { get; set; } = "cell-b";

    /// <summary>A file holding the victim cell's process id (<c>deploy/cells/start.sh</c> writes one per cell).</summary>
    /// <value>The default value is <c>.edge-run/cells/cell-b.pid</c>.</value>
    [Required]
    public string VictimPidFile { get; set; } = ".edge-run/cells/cell-b.pid";

    /// <summary>Distinct customers (<c>X-Customer-Id</c>), spread over the cells by the edge.</summary>
    /// <value>The default value is 200.</value>
    [Range(2, 100_000)]
    public int Customers { get; set; } = 200;

    /// <summary>Parallel callers (closed loop).</summary>
    /// <value>The default value is 8.</value>
    [Range(1, 256)]
    public int Workers { get; set; } = 8;

    /// <summary>The path each customer reads (it touches the cell's own database).</summary>
    /// <value>The default value is <c>/api/products/1</c>.</value>
    [Required]
    public string BrowsePath { get; set; } = "/api/products/1";

    /// <summary>Sent as <c>X-Api-Key</c> on customer requests: keeps the drill's load out of the anonymous rate-limit tier.</summary>
    /// <value>The default value is <c>drill-load</c> (the Development internal tier at the edge and the shop).</value>
    public string? ShopApiKey { get; set; } = "drill-load";

    /// <summary>How long the customers are measured before the kill.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan Baseline { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the customers are measured after the kill.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan Outage { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How much the other cells' customers' p99 may grow: at most baseline × this + <see cref="P99SlackMs"/>.</summary>
    /// <value>The default value is 2.</value>
    [Range(1.0, 100.0)]
    public double MaxP99Growth { get; set; } = 2;

    /// <summary>Added to the allowed p99, so a baseline of a few milliseconds does not fail on scheduling noise.</summary>
    /// <value>The default value is 50 ms.</value>
    [Range(0.0, 10_000.0)]
    public double P99SlackMs { get; set; } = 50;

    /// <summary>The highest p99 of the dead cell's customers' answers: they must be told fast, not hang.</summary>
    /// <value>The default value is 1,000 ms.</value>
    [Range(1.0, 60_000.0)]
    public double MaxFailFastMs { get; set; } = 1_000;

    /// <summary>A bound on the customer requests the drill sends.</summary>
    /// <value>The default value is 200,000.</value>
    [Range(1, 10_000_000)]
    public long MaxRequests { get; set; } = 200_000;
}
