namespace Bulwark.Resilience.Diagnostics;

/// <summary>The arguments of a <see cref="BulwarkResilienceEvents"/> event: which component reported it.</summary>
/// <param name="Component">The breaker, compartment or budget name.</param>
/// <param name="Attempt">The retry number, or 0.</param>
public readonly record struct BulwarkEventArguments(string Component, int Attempt = 0);
