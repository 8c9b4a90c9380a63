using System.ComponentModel.DataAnnotations;

namespace Bulwark.Sagas;

/// <summary>Retry and timeout of one saga step (forward or compensation).</summary>
public sealed class SagaStepOptions
{
    /// <summary>Attempts per step, the first included.</summary>
    /// <value>The default value is 3.</value>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The first backoff delay; it doubles per attempt, with jitter.</summary>
    /// <value>The default value is 200 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest backoff delay.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one attempt may take before it is cancelled and counted as failed.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
