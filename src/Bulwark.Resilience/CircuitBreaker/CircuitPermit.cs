namespace Bulwark.Resilience.CircuitBreaker;

/// <summary>Admission to call through a breaker; hand it back with <see cref="BulwarkCircuitBreaker.Complete"/>.</summary>
/// <remarks>The generation ties the outcome to the state it was admitted in, so a slow call that started while closed
/// cannot close a breaker that has since opened.</remarks>
public readonly record struct CircuitPermit(long Generation, bool IsProbe);
