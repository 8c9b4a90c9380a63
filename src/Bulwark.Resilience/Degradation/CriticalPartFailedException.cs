namespace Bulwark.Resilience.Degradation;

/// <summary>A critical part of a composed response failed, so the whole response fails.</summary>
public sealed class CriticalPartFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="composition">The composed response's name.</param>
    /// <param name="part">The critical part that failed.</param>
    /// <param name="innerException">Why it failed.</param>
    public CriticalPartFailedException(string composition, string part, Exception innerException)
        : base($"Critical part '{part}' of '{composition}' failed.", innerException)
    {
        Composition = composition;
        Part = part;
    }

    /// <summary>Creates the exception; prefer the constructor with context.</summary>
    public CriticalPartFailedException()
        : this("A critical part failed.")
    {
    }

    /// <summary>Creates the exception; prefer the constructor with context.</summary>
    /// <param name="message">The message.</param>
    public CriticalPartFailedException(string message)
        : base(message)
    {
        Composition = "unknown";
        Part = "unknown";
    }

    /// <summary>Creates the exception; prefer the constructor with context.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CriticalPartFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Composition = "unknown";
        Part = "unknown";
    }

    /// <summary>The composed response's name.</summary>
    public string Composition { get; }

    /// <summary>The critical part that failed.</summary>
    public string Part { get; }
}
