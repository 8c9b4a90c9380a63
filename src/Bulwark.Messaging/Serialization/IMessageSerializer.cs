namespace Bulwark.Messaging.Serialization;

/// <summary>Turns message objects into envelope bodies and back, through the <see cref="MessageTypeRegistry"/>.</summary>
public interface IMessageSerializer
{
    /// <summary>Serializes a message.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The wire type name and the body.</returns>
    (string MessageType, byte[] Body) Serialize(object message);

    /// <summary>Deserializes and validates a body.</summary>
    /// <param name="envelope">The envelope whose body is read.</param>
    /// <param name="body">The body (after a claim check was resolved).</param>
    /// <returns>The message object.</returns>
    /// <exception cref="UnknownMessageTypeException">The type name is not registered.</exception>
    /// <exception cref="MessageDeserializationException">The body is not a valid message of that type.</exception>
    object Deserialize(MessageEnvelope envelope, ReadOnlyMemory<byte> body);
}
