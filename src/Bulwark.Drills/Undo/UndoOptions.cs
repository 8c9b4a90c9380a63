using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.Undo;

/// <summary>What the Undo drill (blue-green, Codex 23) switches and how hard it loads the edge meanwhile. See <c>docs/edge.md</c>.</summary>
public sealed class UndoOptions
{
    /// <summary>The slot switched to and back from; the slot live when the drill starts is switched back to.</summary>
    /// <value>The default value is <c>green</c>.</value>
    [Required]
    public string Green { get; set; } = "green";

    /// <summary>
    /// A configured slot that must fail its smoke gate (nothing answers there); the drill asks for a switch to it and
    /// expects a refusal. <c>deploy/edge/start.sh green</c> configures one.
    /// </summary>
    /// <value>The default value is <c>unfit</c>.</value>
    [Required]
    public string UnfitSlot { get; set; } = "unfit";

    /// <summary>Customer paths the load reads through the edge, in turn.</summary>
    /// <value>The default value is a product and a product page.</value>
    [MinLength(1)]
    public List<string> CustomerPaths { get; set; } = ["/api/products/1", "/api/products?page=1&pageSize=5"];

    /// <summary>
    /// Sent as <c>X-Api-Key</c> on customer requests, so the shop behind the edge counts the drill's load in its own
    /// rate-limit tier rather than as one anonymous address (the edge is one address to the shop).
    /// </summary>
    /// <value>The default value is <c>drill-load</c>, the shop's Development drill key; null sends none.</value>
    public string? CustomerApiKey { get; set; } = "drill-load";

    /// <summary>Parallel customers (closed loop).</summary>
    /// <value>The default value is 8.</value>
    [Range(1, 256)]
    public int Workers { get; set; } = 8;

    /// <summary>Load before the first switch, on green between the switches, and after the switch back.</summary>
    /// <value>The default value is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan Hold { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest switch back (gate, switch and drain) that passes.</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan MaxSwitchBack { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A bound on the customer requests the drill sends.</summary>
    /// <value>The default value is 200,000.</value>
    [Range(1, 10_000_000)]
    public long MaxRequests { get; set; } = 200_000;
}
