using System.ComponentModel.DataAnnotations;

namespace Shop.Payments.Reconciliation;

/// <summary>The background reconciler of charges whose outcome is unknown (<c>Shop:Payments:Reconciliation</c>).</summary>
internal sealed class ReconciliationOptions
{
    public const string SectionName = "Shop:Payments:Reconciliation";

    /// <summary>How often the reconciler looks for payments that are due another attempt.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The wait after the first failed attempt; it doubles after each further failure.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two attempts.</summary>
    /// <value>The default value is 10 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Attempts before a payment is <c>parked</c>: no more automatic attempts, a critical log line, still counted as
    /// unreconciled and listed until a person retries or settles it. With the defaults, about 15 hours of trying.
    /// </summary>
    /// <value>The default value is 100.</value>
    [Range(1, 100_000)]
    public int MaxAttempts { get; set; } = 100;

    /// <summary>
    /// How long after the last charge request a "no such charge" answer is trusted. A request the shop gave up on may
    /// still be running inside the provider; asking too early would miss the charge it is about to record. Keep it
    /// above the payment client's total timeout.
    /// </summary>
    /// <value>The default value is 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan SettleDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most payments handled per round.</summary>
    /// <value>The default value is 50.</value>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 50;
}
