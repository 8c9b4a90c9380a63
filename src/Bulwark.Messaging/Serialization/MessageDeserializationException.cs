namespace Bulwark.Messaging.Serialization;

/// <summary>A body cannot be read or fails validation as its registered type: a permanent error.</summary>
public sealed class MessageDeserializationException : PermanentMessageException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="messageType">The type name.</param>
    /// <param name="problem">What is wrong with the body.</param>
    /// <param name="innerException">The serializer's error, if any.</param>
    public MessageDeserializationException(string messageId, string messageType, string problem, Exception? innerException)
        : base($"Message {messageId} of type '{messageType}' cannot be deserialized: {problem}", innerException)
    {
        MessageId = messageId;
        MessageType = messageType;
    }

    /// <summary>The message id.</summary>
    public string MessageId { get; }

    /// <summary>The type name.</summary>
    public string MessageType { get; }
}
