using System.ComponentModel.DataAnnotations;

namespace Bulwark.Messaging.Retries;

/// <summary>How a failed message is retried before it is dead-lettered.</summary>
public sealed class RetryOptions
{
    /// <summary>Attempts (including the first) before a message is dead-lettered.</summary>
    /// <value>The default value is 5.</value>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The backoff before the second attempt; it doubles per attempt.</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest backoff.</summary>
    /// <value>The default value is 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);
}
