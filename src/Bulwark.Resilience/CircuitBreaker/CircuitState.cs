namespace Bulwark.Resilience.CircuitBreaker;

/// <summary>The state of a <see cref="BulwarkCircuitBreaker"/>; the numeric value is what the state gauge reports.</summary>
public enum CircuitState
{
    /// <summary>Calls flow; outcomes are counted.</summary>
    Closed = 0,

    /// <summary>Calls are refused at once until the break duration has passed.</summary>
    Open = 1,

    /// <summary>A configured number of probe calls go through; every other caller is refused.</summary>
    HalfOpen = 2,

    /// <summary>Held open by an operator (<see cref="BulwarkCircuitBreaker.Isolate"/>) until <see cref="BulwarkCircuitBreaker.Reset"/>.</summary>
    Isolated = 3,
}
