using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Bulwark.Messaging.Serialization;

/// <summary>
/// System.Text.Json with web defaults: unknown members are ignored so an older or newer producer's payload
/// still reads; data-annotation rules on the message type are checked after reading.
/// </summary>
internal sealed class JsonMessageSerializer(MessageTypeRegistry registry) : IMessageSerializer
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public (string MessageType, byte[] Body) Serialize(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var type = message.GetType();
        return (registry.GetName(type), JsonSerializer.SerializeToUtf8Bytes(message, type, Json));
    }

    public object Deserialize(MessageEnvelope envelope, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (!registry.TryGetType(envelope.MessageType, out var type))
        {
            throw new UnknownMessageTypeException(envelope.MessageId, envelope.MessageType);
        }

        object? message;
        try
        {
            message = JsonSerializer.Deserialize(body.Span, type, Json);
        }
        catch (JsonException e)
        {
            throw new MessageDeserializationException(envelope.MessageId, envelope.MessageType, e.Message, e);
        }

        if (message is null)
        {
            throw new MessageDeserializationException(envelope.MessageId, envelope.MessageType, "the body is JSON null", null);
        }

        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(message, new ValidationContext(message), results, validateAllProperties: true))
        {
            throw new MessageDeserializationException(
                envelope.MessageId,
                envelope.MessageType,
                "validation failed: " + string.Join("; ", results.Select(r => r.ErrorMessage)),
                null);
        }

        return message;
    }
}
