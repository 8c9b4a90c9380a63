namespace Bulwark.Messaging;

/// <summary>Per-message metadata a producer may set; everything else is filled in by the bus.</summary>
public sealed record MessageOptions
{
    /// <summary>The message id; a new GUID when unset. Set it to make re-publishing idempotent.</summary>
    public string? MessageId { get; init; }

    /// <summary>The conversation id; inherited from the message being handled when unset.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The id of the message that caused this one.</summary>
    public string? CausationId { get; init; }

    /// <summary>After this instant the message is dead-lettered instead of handled.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>Extra headers, e.g. routing metadata a consumer reads without loading a claim-checked payload.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}
