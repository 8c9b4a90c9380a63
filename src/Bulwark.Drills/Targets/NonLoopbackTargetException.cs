namespace Bulwark.Drills.Targets;

/// <summary>
/// Thrown when a drill, load run or proxy is pointed at an address outside loopback. Drills put real load and real
/// faults on what they target, so they only ever target this machine.
/// </summary>
public sealed class NonLoopbackTargetException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="target"/>.</summary>
    public NonLoopbackTargetException(string target)
        : base($"Refusing target '{target}': drills only run against loopback (127.0.0.0/8, ::1 or localhost). " +
               $"Point it at this machine, e.g. http://127.0.0.1:5100.")
    {
        Target = target;
    }

    /// <summary>Creates the exception with the default message.</summary>
    public NonLoopbackTargetException()
        : this("(none)")
    {
    }

    /// <summary>Creates the exception with a custom message.</summary>
    public NonLoopbackTargetException(string message, Exception innerException)
        : base(message, innerException)
    {
        Target = "(unknown)";
    }

    /// <summary>The refused target as given.</summary>
    public string Target { get; }
}
