using System.Data.Common;
using System.Text.Json;

namespace Bulwark.Outbox;

/// <summary>Conveniences over <see cref="IOutbox"/>.</summary>
public static class OutboxExtensions
{
    /// <summary>Serializes <paramref name="value"/> as JSON and enqueues it in the caller's transaction.</summary>
    /// <typeparam name="T">The event type.</typeparam>
    /// <param name="outbox">The outbox.</param>
    /// <param name="connection">The open connection of the business write.</param>
    /// <param name="transaction">The business transaction the message joins.</param>
    /// <param name="topic">Where the message goes.</param>
    /// <param name="partitionKey">Messages with the same key are relayed in order.</param>
    /// <param name="value">The event.</param>
    /// <param name="serializerOptions">JSON options; the web defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    /// <returns>The stored message.</returns>
    public static Task<OutboxMessage> EnqueueJsonAsync<T>(
        this IOutbox outbox,
        DbConnection connection,
        DbTransaction transaction,
        string topic,
        string partitionKey,
        T value,
        JsonSerializerOptions? serializerOptions = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        var payload = JsonSerializer.SerializeToUtf8Bytes(value, serializerOptions ?? JsonSerializerOptions.Web);
        return outbox.EnqueueAsync(connection, transaction, topic, partitionKey, payload, null, cancellationToken);
    }

    /// <summary>Deserializes a JSON payload written by <see cref="EnqueueJsonAsync{T}"/>.</summary>
    /// <typeparam name="T">The event type.</typeparam>
    /// <param name="message">The relayed message.</param>
    /// <param name="serializerOptions">JSON options; the web defaults when <see langword="null"/>.</param>
    /// <returns>The event.</returns>
    public static T? ReadJson<T>(this OutboxMessage message, JsonSerializerOptions? serializerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        return JsonSerializer.Deserialize<T>(message.Payload.Span, serializerOptions ?? JsonSerializerOptions.Web);
    }
}
