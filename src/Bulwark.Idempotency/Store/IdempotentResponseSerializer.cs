using System.Text.Json;

namespace Bulwark.Idempotency;

/// <summary>The one JSON shape adapters use for stored response headers.</summary>
public static class IdempotentResponseSerializer
{
    /// <summary>Serializes response headers.</summary>
    /// <param name="headers">The headers.</param>
    /// <returns>JSON text.</returns>
    public static string SerializeHeaders(IReadOnlyDictionary<string, string[]> headers) => JsonSerializer.Serialize(headers);

    /// <summary>Deserializes response headers.</summary>
    /// <param name="json">JSON text.</param>
    /// <returns>The headers.</returns>
    public static IReadOnlyDictionary<string, string[]> DeserializeHeaders(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string[]>>(json) ?? [];
}
