using System.ComponentModel.DataAnnotations;
using Polly;

namespace Bulwark.Resilience.CircuitBreaker;

/// <summary>
/// Settings of one circuit breaker. Bound from <c>Bulwark:Resilience:CircuitBreakers:{name}</c>; validated at start-up,
/// by the breaker when it is built and by Polly when it joins a pipeline.
/// </summary>
/// <remarks>See docs/resilience.md#circuit-breaker.</remarks>
public sealed class BulwarkCircuitBreakerOptions : ResilienceStrategyOptions
{
    /// <summary>Creates the options with their defaults.</summary>
    public BulwarkCircuitBreakerOptions() => Name = "BulwarkCircuitBreaker";

    /// <summary>How the closed breaker decides to trip.</summary>
    /// <value>The default value is <see cref="CircuitBreakerMode.ConsecutiveFailures"/>.</value>
    [EnumDataType(typeof(CircuitBreakerMode))]
    public CircuitBreakerMode Mode { get; set; } = CircuitBreakerMode.ConsecutiveFailures;

    /// <summary>Failures in a row that trip the breaker in <see cref="CircuitBreakerMode.ConsecutiveFailures"/> mode.</summary>
    /// <value>The default value is 5.</value>
    [Range(1, 100_000)]
    public int FailureThreshold { get; set; } = 5;

    /// <summary>Share of failed calls in the sampling window that trips the breaker in <see cref="CircuitBreakerMode.FailureRatio"/> mode.</summary>
    /// <value>The default value is 0.5.</value>
    [Range(0.001, 1.0)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Length of the sliding window the failure ratio is measured over.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Calls the window must hold before the ratio is trusted.</summary>
    /// <value>The default value is 10.</value>
    [Range(1, int.MaxValue)]
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>How long the breaker stays open before it lets probes through.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Probe calls admitted while half-open; all must succeed to close, any failure re-opens.</summary>
    /// <value>The default value is 1, as the Codex says.</value>
    [Range(1, 1_000)]
    public int HalfOpenProbes { get; set; } = 1;

    /// <summary>Which exceptions count as failures.</summary>
    /// <value>The default value is <see langword="null"/>: every exception except the caller's own cancellation.</value>
    public Func<Exception, bool>? ShouldHandleException { get; set; }

    /// <summary>Which results count as failures (for example HTTP 5xx responses).</summary>
    /// <value>The default value is <see langword="null"/>: no result is a failure.</value>
    public Func<object?, bool>? ShouldHandleResult { get; set; }
}
