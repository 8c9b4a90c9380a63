using System.Text.Json;
using Bulwark.Messaging;

namespace Bulwark.Sqlite.Messaging;

/// <summary>Envelope metadata as a JSON column; the body has its own BLOB column.</summary>
internal static class EnvelopeJson
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Metadata(MessageEnvelope envelope) =>
        JsonSerializer.Serialize(envelope with { Body = ReadOnlyMemory<byte>.Empty }, Json);

    public static MessageEnvelope Read(string metadata, byte[] body, int attempt) =>
        JsonSerializer.Deserialize<MessageEnvelope>(metadata, Json)! with { Body = body, Attempt = attempt };
}
