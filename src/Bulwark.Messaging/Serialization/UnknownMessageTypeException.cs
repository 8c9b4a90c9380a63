namespace Bulwark.Messaging.Serialization;

/// <summary>A message's type name is not in the registry: retrying cannot help, so it is dead-lettered at once.</summary>
public sealed class UnknownMessageTypeException : PermanentMessageException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="messageType">The unknown type name.</param>
    public UnknownMessageTypeException(string messageId, string messageType)
        : base($"Message {messageId} has type '{messageType}', which is not registered; register it with AddMessageType<T>(\"{messageType}\") (or as an alias of its newer name) and redrive it.")
    {
        MessageId = messageId;
        MessageType = messageType;
    }

    /// <summary>The message id.</summary>
    public string MessageId { get; }

    /// <summary>The unknown type name.</summary>
    public string MessageType { get; }
}
