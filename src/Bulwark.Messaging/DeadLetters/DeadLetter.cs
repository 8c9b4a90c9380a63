namespace Bulwark.Messaging.DeadLetters;

/// <summary>A message in the dead-letter queue with the reason it is there.</summary>
public sealed record DeadLetter
{
    /// <summary>The id of this dead-letter entry (one message fanned out to two subscriptions makes two entries).</summary>
    public required string Id { get; init; }

    /// <summary>The queue the message failed on; a redrive sends it back there.</summary>
    public required string SourceQueue { get; init; }

    /// <summary>The message, with its original id.</summary>
    public required MessageEnvelope Envelope { get; init; }

    /// <summary>Why it failed.</summary>
    public required string Reason { get; init; }

    /// <summary>The exception type name, if any.</summary>
    public string? ExceptionType { get; init; }

    /// <summary>The stack trace, if any.</summary>
    public string? StackTrace { get; init; }

    /// <summary>How many attempts were made.</summary>
    public int Attempts { get; init; }

    /// <summary>Whether the error was classified permanent.</summary>
    public bool Permanent { get; init; }

    /// <summary>When the message was dead-lettered.</summary>
    public DateTimeOffset DeadLetteredAt { get; init; }
}
