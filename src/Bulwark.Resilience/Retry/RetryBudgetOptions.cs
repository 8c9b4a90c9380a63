using System.ComponentModel.DataAnnotations;

namespace Bulwark.Resilience.Retry;

/// <summary>How many retries a budget allows: a share of recent calls plus a small floor.</summary>
public sealed class RetryBudgetOptions
{
    /// <summary>Retries allowed as a share of first attempts in the window.</summary>
    /// <value>The default value is 0.2 (20%).</value>
    [Range(0.0, 10.0)]
    public double RetryRatio { get; set; } = 0.2;

    /// <summary>Retries per second always allowed, so a service with little traffic can still retry.</summary>
    /// <value>The default value is 1.</value>
    [Range(0.0, 1_000_000.0)]
    public double MinRetriesPerSecond { get; set; } = 1;

    /// <summary>How far back calls and retries are counted.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);
}
