using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.Ordering;

/// <summary>The Ordering drill's orders, topics and time limits. See <c>docs/drills.md</c>.</summary>
public sealed class OrderingOptions
{
    /// <summary>How many orders get their events out of order (the four reorderings take turns, so at least one of each at 4).</summary>
    /// <value>The default value is 12.</value>
    [Range(4, 100)]
    public int Orders { get; set; } = 12;

    /// <summary>The topic of the "placed" event (sequence 1); its wire type is the topic too (the shop's contracts).</summary>
    /// <value>The default value is <c>orders.order-placed</c>.</value>
    [Required]
    public string PlacedTopic { get; set; } = "orders.order-placed";

    /// <summary>The topic of the "confirmed" outcome (sequence 2).</summary>
    /// <value>The default value is <c>orders.order-confirmed</c>.</value>
    [Required]
    public string ConfirmedTopic { get; set; } = "orders.order-confirmed";

    /// <summary>The topic of the "rejected" outcome (sequence 2), the shop's "cancelled".</summary>
    /// <value>The default value is <c>orders.order-rejected</c>.</value>
    [Required]
    public string RejectedTopic { get; set; } = "orders.order-rejected";

    /// <summary>Where the consumer's view of the customer's orders is read; <c>{customerId}</c> is replaced.</summary>
    /// <value>The default value is <c>/api/rewards/{customerId}/orders</c> (the Rewards module's points per order).</value>
    [Required]
    public string ViewPath { get; set; } = "/api/rewards/{customerId}/orders";

    /// <summary>Every order's total: its points are one per whole unit (what the view shows once earned).</summary>
    /// <value>The default value is 4,200 cents (42 points).</value>
    [Range(100, 10_000_000)]
    public long TotalCents { get; set; } = 4200;

    /// <summary>Seeds the shuffle of each wave, so a failing run can be repeated as it was.</summary>
    /// <value>The default value is 15 (the issue).</value>
    public int Seed { get; set; } = 15;

    /// <summary>How long each wave's visible effects may take to appear in the view.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan SettleWithin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the drill keeps reading after the second wave settled: a late event applied wrongly shows up here.</summary>
    /// <value>The default value is 3 seconds (a dozen polls of the embedded queue).</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan WatchAfter { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often the view is read.</summary>
    /// <value>The default value is 200 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10", ParseLimitsInInvariantCulture = true)]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The drill's own client timeout per request.</summary>
    /// <value>The default value is 15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
