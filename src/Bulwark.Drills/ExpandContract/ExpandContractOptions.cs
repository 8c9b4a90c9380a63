using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.ExpandContract;

/// <summary>
/// What the expand-contract drill (Database, checklist question 24) runs through the edge: the old release live, the new one in a
/// slot, one database. See docs/drills.md, "expand-contract".
/// </summary>
public sealed class ExpandContractOptions
{
    /// <summary>The slot serving the old release; it must be live when the drill starts.</summary>
    /// <value>The default value is <c>blue</c>.</value>
    [Required]
    public string OldSlot { get; set; } = "blue";

    /// <summary>The slot of the new release, which applies its expand steps when it starts, while the old one serves.</summary>
    /// <value>The default value is <c>green</c>.</value>
    [Required]
    public string NewSlot { get; set; } = "green";

    /// <summary>
    /// A file holding the old release's process id: once the new release is live, the drill stops that process before
    /// it asks for the contract step (contract steps run only when no older release runs).
    /// </summary>
    /// <value>The default value is <c>.edge-run/blue.pid</c>.</value>
    [Required]
    public string OldPidFile { get; set; } = ".edge-run/blue.pid";

    /// <summary>The shop's admin key, sent as <c>X-Api-Key</c> with the contract command (<c>POST /api/schema/contract</c>).</summary>
    /// <value>The default value is <c>demo-admin-key-change-me</c>, the shop's Development admin key.</value>
    [Required]
    public string ShopAdminKey { get; set; } = "demo-admin-key-change-me";

    /// <summary>Sent as <c>X-Api-Key</c> on customer requests, so the shops count the drill's load in their own rate-limit tier.</summary>
    /// <value>The default value is <c>drill-load</c>, the shop's Development drill key; null sends none.</value>
    public string? CustomerApiKey { get; set; } = "drill-load";

    /// <summary>Parallel customers (closed loop), each registering and signing in.</summary>
    /// <value>The default value is 4.</value>
    [Range(1, 64)]
    public int Workers { get; set; } = 4;

    /// <summary>How long the drill waits for the new release to pass the edge's smoke gate (it may be starting up).</summary>
    /// <value>The default value is 2 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan NewReleaseWait { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Load with both releases serving, and again after the contract step.</summary>
    /// <value>The default value is 3 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan Hold { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Cross checks per direction: accounts one release registers and the other signs in.</summary>
    /// <value>The default value is 10.</value>
    [Range(1, 1000)]
    public int CrossChecks { get; set; } = 10;

    /// <summary>The share of customer requests that may fail (5xx, 429 or no answer) while both releases serve.</summary>
    /// <value>The default value is 0.005 (0.5 %).</value>
    [Range(0.0, 1.0)]
    public double MaxErrorRate { get; set; } = 0.005;

    /// <summary>A bound on the customer requests the drill sends.</summary>
    /// <value>The default value is 50,000.</value>
    [Range(1, 10_000_000)]
    public long MaxRequests { get; set; } = 50_000;
}
