namespace Bulwark.Resilience.Deadlines;

/// <summary>The request's deadline was spent before (or while) a piece of work ran; the HTTP layer answers 504.</summary>
public sealed class DeadlineExceededException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="deadline">The deadline that passed.</param>
    /// <param name="operation">What could not be done in time (for example the outgoing request's host).</param>
    public DeadlineExceededException(Deadline deadline, string operation)
        : base($"Deadline {deadline} passed before '{operation}' could complete.")
    {
        Deadline = deadline;
        Operation = operation;
        BeforeCall = true;
    }

    /// <summary>Creates the exception; prefer the constructor that names the deadline.</summary>
    public DeadlineExceededException()
        : this("The deadline passed.")
    {
    }

    /// <summary>Creates the exception; prefer the constructor that names the deadline.</summary>
    /// <param name="message">The message.</param>
    public DeadlineExceededException(string message)
        : base(message) => Operation = "unknown";

    /// <summary>Creates the exception; prefer the constructor that names the deadline.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DeadlineExceededException(string message, Exception innerException)
        : base(message, innerException) => Operation = "unknown";

    /// <summary>The deadline that passed.</summary>
    public Deadline Deadline { get; }

    /// <summary>What could not be done in time.</summary>
    public string Operation { get; }

    /// <summary>
    /// Whether the work was refused before it started because the deadline was already spent (built with the
    /// deadline and operation), rather than cut short while it ran. A refusal says nothing about the dependency, so
    /// circuit breakers do not count it.
    /// </summary>
    public bool BeforeCall { get; }
}
