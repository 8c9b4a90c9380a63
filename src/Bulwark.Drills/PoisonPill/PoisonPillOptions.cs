using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.PoisonPill;

/// <summary>The Poison Pill drill's load and thresholds. See <c>docs/drills.md</c>.</summary>
public sealed class PoisonPillOptions
{
    /// <summary>Poison returns sent first (photos that are not images: the processor can never accept them).</summary>
    /// <value>The default value is 1.</value>
    [Range(1, 20)]
    public int PoisonReturns { get; set; } = 1;

    /// <summary>Good returns sent right behind the poison (each with one small PNG).</summary>
    /// <value>The default value is 20.</value>
    [Range(1, 200)]
    public int GoodReturns { get; set; } = 20;

    /// <summary>The size of each good photo.</summary>
    /// <value>The default value is 4,096 bytes.</value>
    [Range(64, 1024 * 1024)]
    public int PhotoBytes { get; set; } = 4096;

    /// <summary>How long every return may take to settle (good ones completed, poison rejected and dead-lettered) before the drill judges.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan SettleWithin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest a good return may take from accepted to completed: the poison must not hold it up.</summary>
    /// <value>The default value is 15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan GoodWithin { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The most delivery attempts a poison message may take before it is dead-lettered (a loop shows as many).</summary>
    /// <value>The default value is 5 (the bus's default retry budget).</value>
    [Range(1, 100)]
    public int MaxPoisonAttempts { get; set; } = 5;

    /// <summary>Where the operator endpoints live, when not on the target (outside Development: the management port).</summary>
    /// <value>The default value is null: the target.</value>
    public Uri? ManagementUrl { get; set; }

    /// <summary>The dead-letter endpoints (<c>MapBulwarkDeadLetters</c>).</summary>
    /// <value>The default value is <c>/admin/dlq</c>.</value>
    [Required]
    public string DeadLetterPath { get; set; } = "/admin/dlq";

    /// <summary>The queue the returns processor consumes.</summary>
    /// <value>The default value is <c>returns</c>.</value>
    [Required]
    public string Queue { get; set; } = "returns";

    /// <summary>How often returns and the DLQ are read while settling.</summary>
    /// <value>The default value is 250 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10", ParseLimitsInInvariantCulture = true)]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The drill's own client timeout per request.</summary>
    /// <value>The default value is 15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
