namespace Bulwark.Messaging;

/// <summary>
/// Thrown by a handler (or by Bulwark) when retrying cannot help: the message goes straight to the
/// dead-letter queue. Deserialization, validation and claim-check integrity errors derive from it.
/// </summary>
public class PermanentMessageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PermanentMessageException()
        : this("The message cannot be processed and retrying will not help.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why the message cannot be processed.</param>
    public PermanentMessageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why the message cannot be processed.</param>
    /// <param name="innerException">The underlying error.</param>
    public PermanentMessageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
