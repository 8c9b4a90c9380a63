using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.Idempotency;

/// <summary>The (message) Idempotency drill's deliveries and time limits. See <c>docs/drills.md</c>.</summary>
public sealed class IdempotencyOptions
{
    /// <summary>How many times the one message (one message id) is delivered.</summary>
    /// <value>The default value is 2.</value>
    [Range(2, 10)]
    public int Deliveries { get; set; } = 2;

    /// <summary>The topic the message is published on; its wire type is the topic too (the shop's contracts).</summary>
    /// <value>The default value is <c>orders.order-confirmed</c>.</value>
    [Required]
    public string Topic { get; set; } = "orders.order-confirmed";

    /// <summary>The confirmed order's total: its reward credit is one point per whole unit.</summary>
    /// <value>The default value is 4,200 cents (42 points).</value>
    [Range(100, 10_000_000)]
    public long TotalCents { get; set; } = 4200;

    /// <summary>How long the first effect of every consumer may take to appear.</summary>
    /// <value>The default value is 20 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan SettleWithin { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long the drill keeps watching for a second effect after the first ones appeared.</summary>
    /// <value>The default value is 3 seconds (twelve polls of the embedded queue).</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan WatchAfter { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often the effects are read.</summary>
    /// <value>The default value is 200 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10", ParseLimitsInInvariantCulture = true)]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The drill's own client timeout per request.</summary>
    /// <value>The default value is 15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
