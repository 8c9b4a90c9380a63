namespace Bulwark.Resilience.Degradation;

/// <summary>One part of a composed response; read it after <see cref="DegradableResponseBuilder.CompleteAsync"/>.</summary>
/// <typeparam name="T">The part's value type.</typeparam>
public sealed class ComposedPart<T>
{
    internal ComposedPart(string name, bool critical)
    {
        Name = name;
        IsCritical = critical;
    }

    /// <summary>The part's name, as listed in <c>degraded</c>.</summary>
    public string Name { get; }

    /// <summary>Whether the response fails without it.</summary>
    public bool IsCritical { get; }

    /// <summary>Whether the live value is missing (the part failed, timed out or its breaker was open).</summary>
    public bool IsDegraded { get; internal set; }

    /// <summary>Whether <see cref="Value"/> came from the fallback (for example a stale cached copy).</summary>
    public bool IsFallback { get; internal set; }

    /// <summary>The value; <see langword="default"/> for a degraded part without fallback.</summary>
    public T? Value { get; internal set; }

    internal Task Completion { get; set; } = Task.CompletedTask;
}
