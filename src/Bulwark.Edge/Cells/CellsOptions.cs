using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Bulwark.Edge.Cells;

/// <summary>
/// Cells behind the edge (Codex 30): each cell a full shop with its own data, each customer served by exactly one.
/// See <c>docs/cells.md</c>.
/// </summary>
public sealed class CellsOptions
{
    /// <summary>The cells by name, each its own process and database.</summary>
    /// <value>The default value is empty: no cell route (the release slots serve instead).</value>
    public Dictionary<string, CellOptions> Cells { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The SQLite file that holds the bucket table, every placed customer, the overrides and the operator's marks, so
    /// an edge restart routes every customer to the cell it routed them to before.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: kept in memory only (tests; never a deployment).</value>
    public string? TablePath { get; init; }

    /// <summary>How many buckets customers are hashed into; the bucket table maps each to a cell.</summary>
    /// <value>The default value is 1,024. Fixed once the table exists (a different count would move customers).</value>
    [Range(1, 1_048_576)]
    public int BucketCount { get; init; } = 1024;

    /// <summary>
    /// The claim of a bearer token (<c>Authorization: Bearer</c>) that names the customer: the shop's tokens carry the
    /// customer id in <c>sub</c>. The edge reads it without checking the signature: it only routes, and the cell
    /// checks the token as always (a forged one reaches one cell, which refuses it).
    /// </summary>
    /// <value>The default value is <c>sub</c>.</value>
    [Required]
    public string CustomerClaim { get; init; } = "sub";

    /// <summary>A header naming the customer when there is no token (a trusted client, a drill).</summary>
    /// <value>The default value is <c>X-Customer-Id</c>.</value>
    [Required]
    public string CustomerHeader { get; init; } = "X-Customer-Id";

    /// <summary>
    /// Paths served by one cell for everyone, whoever asks: data that is global by nature (sign-up and sign-in), the
    /// shared dependency the Codex warns stays a single point of failure.
    /// </summary>
    /// <value>The default value is empty.</value>
    public List<string> GlobalPaths { get; init; } = [];

    /// <summary>The cell that serves <see cref="GlobalPaths"/>.</summary>
    /// <value>The default value is <see langword="null"/>: the first cell.</value>
    public string? GlobalCell { get; init; }

    /// <summary>
    /// <see cref="CellRouting.Cells"/> isolates customers by cell. <see cref="CellRouting.Pool"/> spreads every request over
    /// every cell as one shared pool (the fleet before cells): only to show what isolation buys, logged at Warning.
    /// </summary>
    /// <value>The default value is <see cref="CellRouting.Cells"/>.</value>
    public CellRouting Routing { get; init; } = CellRouting.Cells;

    /// <summary>How the edge tells a cell is down.</summary>
    [ValidateObjectMembers]
    public CellHealthOptions Health { get; init; } = new();

    /// <summary>What a customer sees while moved between cells.</summary>
    [ValidateObjectMembers]
    public CellMoveOptions Move { get; init; } = new();
}

/// <summary>One cell.</summary>
public sealed class CellOptions
{
    /// <summary>The cell's base URL (its shop).</summary>
    /// <value>There is no default.</value>
    [Required]
    public string Url { get; init; } = string.Empty;

    /// <summary>The cell's share of the buckets when the table is first made, and of new customers when their bucket's cell takes none.</summary>
    /// <value>The default value is 1.</value>
    [Range(0.0, 1_000_000.0)]
    public double Weight { get; init; } = 1;

    /// <summary>How many customers the cell holds; a full cell takes no new customers (its existing ones stay).</summary>
    /// <value>The default value is 1,000,000.</value>
    [Range(0, int.MaxValue)]
    public int Capacity { get; init; } = 1_000_000;
}

/// <summary>Passive (the answers customers get) and active (probes) health of the cells.</summary>
public sealed class CellHealthOptions
{
    /// <summary>The path probed on each cell.</summary>
    /// <value>The default value is <c>/health/ready</c>.</value>
    [Required]
    public string ProbePath { get; init; } = "/health/ready";

    /// <summary>How often each cell is probed.</summary>
    /// <value>The default value is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a probe may take.</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Failed probes in a row after which a cell is down.</summary>
    /// <value>The default value is 2.</value>
    [Range(1, 100)]
    public int ProbeFailures { get; init; } = 2;

    /// <summary>
    /// Customer requests in a row that got no answer from a cell (refused, reset, timed out) after which it is down,
    /// before a probe notices. A probe that passes brings it back.
    /// </summary>
    /// <value>The default value is 3.</value>
    [Range(1, 1000)]
    public int PassiveFailures { get; init; } = 3;

    /// <summary>The <c>Retry-After</c> on the 503 a down cell's customers get.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>Moving a customer between cells (drain, copy, flip).</summary>
public sealed class CellMoveOptions
{
    /// <summary>The <c>Retry-After</c> on the 503 a customer's writes get while they are moved.</summary>
    /// <value>The default value is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a move waits for the customer's writes already in flight to finish before it copies.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The admin key the edge sends to the cells' export and import endpoints (the shop's <c>Shop:Admin:ApiKeys</c>).
    /// </summary>
    /// <value>The default value is <see langword="null"/>: moves are refused.</value>
    public string? ShopAdminKey { get; init; }

    /// <summary>
    /// The parts of a customer's data a move copies, in order, each through the cells' admin endpoint
    /// <c>/api/admin/cells/customers/{customer}/{part}</c> (GET exports, POST imports).
    /// </summary>
    /// <value>The default value is <c>wallets</c> (the shop's orders have no export yet; a configured list replaces it).</value>
    public List<string> Parts { get; init; } = [];

    /// <summary>The parts in force: <see cref="Parts"/>, or <c>wallets</c> when none are configured.</summary>
    public IReadOnlyList<string> EffectiveParts => Parts.Count > 0 ? Parts : ["wallets"];

    /// <summary>How long each export or import call may take.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan CopyTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>How the edge spreads customers over cells.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CellRouting>))]
public enum CellRouting
{
    /// <summary>Each customer to their own cell; a down cell's customers get a fast 503.</summary>
    Cells,

    /// <summary>Every request to any cell, round robin, health ignored: one shared pool, no isolation.</summary>
    Pool,
}

/// <summary>An operator's mark on a cell.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CellMark>))]
public enum CellMark
{
    /// <summary>Serves its customers and takes new ones.</summary>
    Open,

    /// <summary>Serves its customers and takes no new ones (before it is emptied by moves or retired).</summary>
    Draining,

    /// <summary>Taken out by an operator: its customers get a fast 503 until it is opened again.</summary>
    Down,
}
