using Polly.CircuitBreaker;

namespace Bulwark.Resilience.CircuitBreaker;

/// <summary>A breaker changed state.</summary>
/// <param name="name">The breaker's name.</param>
/// <param name="from">The state it left.</param>
/// <param name="to">The state it entered.</param>
public sealed class CircuitStateChangedEventArgs(string name, CircuitState from, CircuitState to) : EventArgs
{
    /// <summary>The breaker's name.</summary>
    public string Name { get; } = name;

    /// <summary>The state it left.</summary>
    public CircuitState From { get; } = from;

    /// <summary>The state it entered.</summary>
    public CircuitState To { get; } = to;
}
