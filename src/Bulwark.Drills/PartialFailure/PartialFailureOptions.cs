using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.PartialFailure;

/// <summary>The Partial Failure drill's settings. See <c>docs/drills.md</c>.</summary>
public sealed class PartialFailureOptions
{
    /// <summary>The product every order buys (its stock is read before and after).</summary>
    /// <value>The default value is 1.</value>
    [Range(1, int.MaxValue)]
    public int ProductId { get; set; } = 1;

    /// <summary>The most units one order line may ask for: the stock failure orders one more than is available, which must fit.</summary>
    /// <value>The default value is 100 (the shop's limit).</value>
    [Range(1, 1_000_000)]
    public int MaxQuantity { get; set; } = 100;

    /// <summary>Orders per failure position (and good control orders).</summary>
    /// <value>The default value is 2.</value>
    [Range(1, 50)]
    public int OrdersPerPosition { get; set; } = 2;

    /// <summary>How long every order may take to reach its final state.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan SettleWithin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The payment provider's base URL; when given, its ledger (<c>GET /charges</c>) must hold no live charge for a rejected order.</summary>
    /// <value>The default value is null: the order's own payment state is judged alone.</value>
    public Uri? ProviderUrl { get; set; }

    /// <summary>How often orders are read while settling.</summary>
    /// <value>The default value is 250 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10", ParseLimitsInInvariantCulture = true)]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The drill's own client timeout per request.</summary>
    /// <value>The default value is 15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
