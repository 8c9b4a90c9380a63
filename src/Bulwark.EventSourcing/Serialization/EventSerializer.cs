using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Bulwark.EventSourcing;

/// <summary>
/// Turns events into stored JSON and back: registered names with schema versions, upcasting on read, and
/// AES-GCM encryption of <see cref="PersonalDataAttribute"/> fields with the subject's key (crypto-shredding).
/// </summary>
public sealed class EventSerializer
{
    private const string CipherProperty = "$pd";
    private const string SubjectProperty = "$subject";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private static readonly ConcurrentDictionary<Type, PersonalShape> Shapes = new();

    private readonly EventTypeRegistry _registry;
    private readonly ISubjectKeyStore? _keys;
    private readonly JsonSerializerOptions _json;

    /// <summary>Creates the serializer.</summary>
    /// <param name="registry">The registered event types.</param>
    /// <param name="keys">The subject keys; needed only when events carry personal data.</param>
    /// <param name="json">JSON options; the web defaults when <see langword="null"/>.</param>
    public EventSerializer(EventTypeRegistry registry, ISubjectKeyStore? keys = null, JsonSerializerOptions? json = null)
    {
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _keys = keys;
        _json = json ?? JsonSerializerOptions.Web;
    }

    /// <summary>The JSON options used for event bodies and snapshots.</summary>
    public JsonSerializerOptions JsonOptions => _json;

    /// <summary>Serializes one event, encrypting its personal fields.</summary>
    /// <param name="event">The event.</param>
    /// <param name="cancellationToken">Cancels key lookups.</param>
    /// <returns>The event to append.</returns>
    public async Task<EventData> SerializeAsync(object @event, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var type = @event.GetType();
        var typeName = _registry.GetTypeName(type);
        var body = JsonSerializer.SerializeToNode(@event, type, _json)!.AsObject();
        var shape = Shapes.GetOrAdd(type, t => PersonalShape.Of(t, _json));
        if (shape.Fields.Length > 0)
        {
            var subject = shape.Subject?.GetValue(@event)?.ToString()
                ?? throw new InvalidOperationException($"{type.Name} has personal data but no [DataSubject] value.");
            var keys = _keys ?? throw new InvalidOperationException($"{type.Name} has personal data; give the EventSerializer an ISubjectKeyStore.");
            var key = await keys.GetOrCreateKeyAsync(subject, cancellationToken).ConfigureAwait(false);
            foreach (var field in shape.Fields)
            {
                if (body[field]?.GetValue<string>() is { } plain)
                {
                    body[field] = new JsonObject { [CipherProperty] = Encrypt(key, subject, plain), [SubjectProperty] = subject };
                }
            }
        }

        return new EventData(Guid.CreateVersion7(), typeName, Encoding.UTF8.GetBytes(body.ToJsonString()));
    }

    /// <summary>Deserializes a stored event: personal fields decrypted (or <see cref="PersonalData.Shredded"/>), old shapes upcast.</summary>
    /// <param name="recorded">The stored event.</param>
    /// <param name="cancellationToken">Cancels key lookups.</param>
    /// <returns>The event object.</returns>
    public async Task<object> DeserializeAsync(RecordedEvent recorded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        var body = JsonNode.Parse(recorded.Data.Span)!.AsObject();
        Dictionary<string, byte[]?>? keys = null;
        foreach (var (name, value) in body.ToList())
        {
            if (value is JsonObject envelope && envelope[CipherProperty]?.GetValue<string>() is { } cipher)
            {
                var subject = envelope[SubjectProperty]!.GetValue<string>();
                keys ??= new(StringComparer.Ordinal);
                if (!keys.TryGetValue(subject, out var key))
                {
                    key = _keys is null ? null : await _keys.GetKeyAsync(subject, cancellationToken).ConfigureAwait(false);
                    keys[subject] = key;
                }

                body[name] = key is null ? PersonalData.Shredded : Decrypt(key, subject, cipher);
            }
        }

        var (type, upcast) = _registry.Upcast(recorded.EventType, body);
        return upcast.Deserialize(type, _json)
            ?? throw new InvalidOperationException($"Event {recorded.EventId} of type {recorded.EventType} deserialized to null.");
    }

    private static string Encrypt(byte[] key, string subject, string plain)
    {
        var plainBytes = Encoding.UTF8.GetBytes(plain);
        var output = new byte[NonceSize + plainBytes.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);

        // The subject is authenticated data: a ciphertext moved to another subject's event fails to decrypt.
        aes.Encrypt(nonce, plainBytes, output.AsSpan(NonceSize, plainBytes.Length), output.AsSpan(NonceSize + plainBytes.Length), Encoding.UTF8.GetBytes(subject));
        return Convert.ToBase64String(output);
    }

    private static string Decrypt(byte[] key, string subject, string cipher)
    {
        var input = Convert.FromBase64String(cipher);
        var plain = new byte[input.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize, plain.Length), input.AsSpan(NonceSize + plain.Length), plain, Encoding.UTF8.GetBytes(subject));
        return Encoding.UTF8.GetString(plain);
    }

    private sealed record PersonalShape(string[] Fields, PropertyInfo? Subject)
    {
        public static PersonalShape Of(Type type, JsonSerializerOptions json)
        {
            var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
            var fields = properties
                .Where(p => p.GetCustomAttribute<PersonalDataAttribute>() is not null)
                .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? json.PropertyNamingPolicy?.ConvertName(p.Name) ?? p.Name)
                .ToArray();
            return new PersonalShape(fields, properties.FirstOrDefault(p => p.GetCustomAttribute<DataSubjectAttribute>() is not null));
        }
    }
}
