namespace Bulwark.Drills.Model;

/// <summary>
/// The drill cannot start or cannot trust its fault: the target is down before the drill, a control endpoint is
/// missing, the fault did not take. The runner turns it into an <see cref="DrillOutcome.Inconclusive"/> verdict.
/// </summary>
public class DrillPreconditionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DrillPreconditionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public DrillPreconditionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with the default message.</summary>
    public DrillPreconditionException()
    {
    }
}
