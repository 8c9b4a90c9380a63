namespace Bulwark.Messaging.DeadLetters;

/// <summary>Selects dead letters; an empty filter selects all of them.</summary>
public sealed record DeadLetterFilter
{
    /// <summary>Only entries that failed on this queue.</summary>
    public string? SourceQueue { get; init; }

    /// <summary>Only entries of this message type.</summary>
    public string? MessageType { get; init; }

    /// <summary>Only these entry ids.</summary>
    public IReadOnlyCollection<string>? Ids { get; init; }

    /// <summary>The most entries a listing returns or a redrive/purge affects (use <see cref="All"/> for no limit).</summary>
    /// <value>The default value is 100.</value>
    public int Limit { get; init; } = 100;

    /// <summary>Selects everything.</summary>
    public static DeadLetterFilter All { get; } = new() { Limit = int.MaxValue };

    /// <summary>Whether an entry matches (for stores that filter in memory).</summary>
    /// <param name="deadLetter">The entry.</param>
    /// <returns>Whether it matches.</returns>
    public bool Matches(DeadLetter deadLetter)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        return (SourceQueue is null || string.Equals(SourceQueue, deadLetter.SourceQueue, StringComparison.Ordinal))
            && (MessageType is null || string.Equals(MessageType, deadLetter.Envelope.MessageType, StringComparison.Ordinal))
            && (Ids is null || Ids.Contains(deadLetter.Id));
    }
}
