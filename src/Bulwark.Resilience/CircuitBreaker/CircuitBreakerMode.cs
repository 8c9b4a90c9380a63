namespace Bulwark.Resilience.CircuitBreaker;

/// <summary>How a closed breaker decides to trip.</summary>
public enum CircuitBreakerMode
{
    /// <summary>Trips after <see cref="BulwarkCircuitBreakerOptions.FailureThreshold"/> failures in a row (the Codex's "5 failures").</summary>
    ConsecutiveFailures = 0,

    /// <summary>Trips when the failure ratio over <see cref="BulwarkCircuitBreakerOptions.SamplingDuration"/> reaches
    /// <see cref="BulwarkCircuitBreakerOptions.FailureRatio"/> with at least <see cref="BulwarkCircuitBreakerOptions.MinimumThroughput"/> calls.</summary>
    FailureRatio = 1,
}
