using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.DatabaseSwap;

/// <summary>
/// Where the Database Swap drill finds the second shop (the same build on the other database), the customer journey's
/// product and bounds, and the fields it treats as per-run values. The target is the shop as it runs. See
/// <c>docs/drills.md#database-swap--database-swap</c>.
/// </summary>
public sealed class DatabaseSwapOptions
{
    /// <summary>
    /// The same build of the shop started on the other data provider (e.g. <c>--Shop:Data:Provider=Postgres</c>); the
    /// journey runs against it and the target and the answers are compared. <c>--dependency swapped=URL</c> sets it.
    /// </summary>
    /// <value>The default value is null: the drill is skipped without it.</value>
    public Uri? SwappedUrl { get; set; }

    /// <summary>The product the journey reads, orders and checks the stock of.</summary>
    /// <value>The default value is 3 (a demo product in stock on a fresh shop).</value>
    [Range(1, 100_000)]
    public int Product { get; set; } = 3;

    /// <summary>The amount deposited into the journey's wallet (and its replay), in cents.</summary>
    /// <value>The default value is 2,500.</value>
    [Range(1, 1_000_000)]
    public long DepositCents { get; set; } = 2_500;

    /// <summary>
    /// The journey's order and the customer's order history are each read until they show no <c>Pending</c> order (the
    /// saga and the history projection settled) or this passes, on each shop, so a saga still running is not taken for
    /// a different answer.
    /// </summary>
    /// <value>The default value is 15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:02:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan SettleWithin { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Time between two reads of a pending order; with <see cref="SettleWithin"/> it bounds the journey's requests.</summary>
    /// <value>The default value is 250 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:10", ParseLimitsInInvariantCulture = true)]
    public TimeSpan SettlePollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Body fields whose values differ by run, not by business logic (names matched case-insensitively at any depth):
    /// replaced by a placeholder on both sides before the comparison. Ids (UUIDs) and ISO 8601 times are replaced
    /// wherever they appear; comma-separated on the command line.
    /// </summary>
    /// <value>The default value is <c>accessToken, refreshToken, traceId, correlationId, requestId, durationMs</c>.</value>
    [Required]
    public string PerRunFields { get; set; } = "accessToken,refreshToken,traceId,correlationId,requestId,durationMs";

    /// <summary>The most mismatches the report lists, one line each; all are counted.</summary>
    /// <value>The default value is 20.</value>
    [Range(1, 1_000)]
    public int MaxListedMismatches { get; set; } = 20;

    /// <summary>The readiness probe whose <see cref="DatabaseCheck"/> entry names the data provider a shop runs on.</summary>
    /// <value>The default value is <c>/health/ready</c>.</value>
    [Required]
    public string ReadinessPath { get; set; } = "/health/ready";

    /// <summary>The readiness entry of the shop's database; its description starts with the provider's name (<c>sqlite database ...</c>).</summary>
    /// <value>The default value is <c>database</c>.</value>
    [Required]
    public string DatabaseCheck { get; set; } = "database";

    /// <summary>The release report, read on both shops to show they run the same build.</summary>
    /// <value>The default value is <c>/health/release</c>.</value>
    [Required]
    public string ReleasePath { get; set; } = "/health/release";

    /// <summary>The drill's clients give up on a request after this.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The per-run field names of <see cref="PerRunFields"/>, trimmed, empty entries dropped.</summary>
    public IReadOnlySet<string> PerRunFieldSet() =>
        PerRunFields.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
}
