using System.ComponentModel.DataAnnotations;

namespace Bulwark.Resilience.Retry;

/// <summary>Settings of a Bulwark retry: capped exponential backoff with jitter, transient-only, budgeted and deadline-aware.</summary>
/// <remarks>Bound from <c>Bulwark:Resilience:Pipelines:{name}:Retry</c>. See docs/resilience.md#retry.</remarks>
public sealed class BulwarkRetryOptions
{
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
    public BackoffJitter Jitter { get; set; } = BackoffJitter.Full;

    /// <summary>What one attempt is expected to take: no retry is made when less than delay plus this is left of the deadline.</summary>
    /// <value>The default value is 100 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ExpectedAttemptDuration { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Whether a server's <c>Retry-After</c> (through <see cref="RetryAfter"/>) replaces the computed delay.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool HonorRetryAfter { get; set; } = true;

    /// <summary>Which exceptions are transient.</summary>
    /// <value>The default value is <see langword="null"/>: every exception except cancellation, refusals and spent deadlines.</value>
    public Func<Exception, bool>? ShouldRetryException { get; set; }

    /// <summary>Which results are transient (for HTTP, see <see cref="HttpTransient"/>).</summary>
    /// <value>The default value is <see langword="null"/>: results are never retried.</value>
    public Func<object?, bool>? ShouldRetryResult { get; set; }

    /// <summary>Reads a server's requested delay from a result, given the current time.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Func<object?, DateTimeOffset, TimeSpan?>? RetryAfter { get; set; }

    /// <summary>A uniform random source in [0, 1); replace it in tests.</summary>
    /// <value>The default value is <see cref="Random.Shared"/>.</value>
    public Func<double> Random { get; set; } = System.Random.Shared.NextDouble;

    /// <summary>Called before each retry's delay.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Action<RetryAttempt>? OnRetry { get; set; }
}
