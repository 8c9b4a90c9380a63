namespace Bulwark.Messaging.ClaimCheck;

/// <summary>A claim-checked payload is missing or does not match its checksum: permanent, the message is dead-lettered.</summary>
public sealed class ClaimCheckIntegrityException : PermanentMessageException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="key">The blob key.</param>
    /// <param name="problem">What is wrong.</param>
    public ClaimCheckIntegrityException(string messageId, string key, string problem)
        : base($"Claim check '{key}' of message {messageId} failed: {problem}")
    {
        MessageId = messageId;
        Key = key;
    }

    /// <summary>The message id.</summary>
    public string MessageId { get; }

    /// <summary>The blob key.</summary>
    public string Key { get; }
}
