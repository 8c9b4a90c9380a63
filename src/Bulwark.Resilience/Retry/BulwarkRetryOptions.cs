using System.ComponentModel.DataAnnotations;
using Polly;

namespace Bulwark.Resilience.Retry;

/// <summary>
/// Settings of a Bulwark retry: Polly's retry strategy with capped exponential backoff and jitter (<see cref="Backoff"/>),
/// transient failures only, drawing on a retry budget and giving up when the ambient deadline cannot hold another attempt.
/// Polly validates them (data annotations) when the strategy is added to a pipeline.
/// </summary>
/// <remarks>Bound from <c>Bulwark:Resilience:Pipelines:{name}:Retry</c>. See docs/resilience.md#retry.</remarks>
public sealed class BulwarkRetryOptions : ResilienceStrategyOptions
{
    /// <summary>Creates the options with their defaults.</summary>
    public BulwarkRetryOptions() => Name = "BulwarkRetry";

    /// <summary>Retries after the first attempt.</summary>
    /// <value>The default value is 3.</value>
    [Range(0, 100)]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The base delay of the exponential backoff.</summary>
    /// <value>The default value is 200 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The cap: no delay is longer (a server's <c>Retry-After</c> above it ends the retries instead).</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How delays are randomised.</summary>
    /// <value>The default value is <see cref="BackoffJitter.Full"/>.</value>
    [EnumDataType(typeof(BackoffJitter))]
    public BackoffJitter Jitter { get; set; } = BackoffJitter.Full;

    /// <summary>What one attempt is expected to take: no retry is made when less than delay plus this is left of the deadline.</summary>
    /// <value>The default value is 100 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ExpectedAttemptDuration { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The per-attempt timeout added inside this retry, if any. After an attempt timed out (a
    /// <see cref="Polly.Timeout.TimeoutRejectedException"/>), a retry is made only when the deadline still holds the delay
    /// plus this whole timeout, not just <see cref="ExpectedAttemptDuration"/>: a hanging dependency is not given another
    /// attempt that the deadline would cut.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: no attempt timeout.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan? AttemptTimeout { get; set; }

    /// <summary>The retry budget to draw on; share one per downstream dependency (see <see cref="RetryBudgetRegistry"/>).</summary>
    /// <value>The default value is <see langword="null"/>: no budget.</value>
    public RetryBudget? Budget { get; set; }

    /// <summary>Whether a server's <c>Retry-After</c> (through <see cref="RetryAfter"/>) replaces the computed delay.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool HonorRetryAfter { get; set; } = true;

    /// <summary>Which exceptions are transient.</summary>
    /// <value>The default value is <see langword="null"/>: every exception except cancellation, refusals and spent deadlines.</value>
    public Func<Exception, bool>? ShouldRetryException { get; set; }

    /// <summary>Which results are transient (for HTTP, see <see cref="HttpTransient"/>).</summary>
    /// <value>The default value is <see langword="null"/>: results are never retried.</value>
    public Func<object?, bool>? ShouldRetryResult { get; set; }

    /// <summary>Reads the delay a dependency asked for from a failed outcome (a result or an exception), given the current time.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Func<Outcome<object>, DateTimeOffset, TimeSpan?>? RetryAfter { get; set; }

    /// <summary>A uniform random source in [0, 1); replace it in tests.</summary>
    /// <value>The default value is <see cref="Random.Shared"/>.</value>
    [Required]
    public Func<double> Random { get; set; } = System.Random.Shared.NextDouble;

    /// <summary>Called before each retry's delay.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Action<RetryAttempt>? OnRetry { get; set; }

    /// <summary>A copy, so a pipeline can add its budget and attempt timeout without changing options others share.</summary>
    /// <returns>The copy.</returns>
    internal BulwarkRetryOptions Clone() => (BulwarkRetryOptions)MemberwiseClone();
}
