namespace Bulwark.Drills.Model;

/// <summary>
/// The target lacks something the drill needs (a dependency's switch, an operator key, an endpoint): the drill does
/// not run and the runner reports it <see cref="DrillOutcome.Skipped"/> with this message as the reason.
/// </summary>
public sealed class DrillSkippedException : DrillPreconditionException
{
    /// <summary>Creates the exception; <paramref name="message"/> says what is missing and how to supply it.</summary>
    public DrillSkippedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public DrillSkippedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with the default message.</summary>
    public DrillSkippedException()
    {
    }
}
