using System.Globalization;
using Bulwark.Messaging;
using Bulwark.Messaging.Transport;
using RabbitMQ.Client;

namespace Bulwark.RabbitMQ.Messaging;

/// <summary>
/// A delivery settled by ack, by a confirmed copy to a retry queue then ack, or by a confirmed copy to the DLQ then ack:
/// a crash between the two steps duplicates a message, never loses one.
/// </summary>
internal sealed class RabbitMqDelivery(RabbitMqMessageTransport transport, IChannel channel, ulong deliveryTag, string queue, MessageEnvelope envelope) : TransportDelivery
{
    private const int MaxHeaderText = 16 * 1024;

    public override MessageEnvelope Envelope { get; } = envelope;

    public override string Queue { get; } = queue;

    public override Task AckAsync(CancellationToken cancellationToken) =>
        channel.BasicAckAsync(deliveryTag, multiple: false, CancellationToken.None).AsTask();

    public override async Task RetryAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var retryQueue = await transport.EnsureRetryQueueAsync(Queue, delay, cancellationToken).ConfigureAwait(false);
        var properties = AmqpEnvelope.ToProperties(Envelope, Envelope.Attempt);
        await transport.PublishRawAsync(string.Empty, retryQueue, mandatory: true, properties, Envelope.Body, cancellationToken).ConfigureAwait(false);
        await channel.BasicAckAsync(deliveryTag, multiple: false, CancellationToken.None).ConfigureAwait(false);
    }

    public override async Task DeadLetterAsync(DeadLetterReason reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var extra = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            [AmqpEnvelope.DlqId] = Guid.NewGuid().ToString("N"),
            [AmqpEnvelope.DlqSource] = Queue,
            [AmqpEnvelope.DlqReason] = Truncate(reason.Reason),
            [AmqpEnvelope.DlqAttempts] = reason.Attempts,
            [AmqpEnvelope.DlqPermanent] = reason.Permanent ? 1 : 0,
            [AmqpEnvelope.DlqAt] = transport.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        if (reason.ExceptionType is not null)
        {
            extra[AmqpEnvelope.DlqExceptionType] = reason.ExceptionType;
        }

        if (reason.StackTrace is not null)
        {
            extra[AmqpEnvelope.DlqStackTrace] = Truncate(reason.StackTrace);
        }

        await transport.EnsureQueueAsync(Queue, cancellationToken).ConfigureAwait(false);
        var properties = AmqpEnvelope.ToProperties(Envelope, Envelope.Attempt, extra);
        await transport.PublishRawAsync(string.Empty, transport.DeadLetterQueueName, mandatory: true, properties, Envelope.Body, cancellationToken).ConfigureAwait(false);
        await channel.BasicAckAsync(deliveryTag, multiple: false, CancellationToken.None).ConfigureAwait(false);
    }

    private static string Truncate(string text) =>
        text.Length <= MaxHeaderText ? text : string.Concat(text.AsSpan(0, MaxHeaderText), "… (truncated from ", text.Length.ToString(CultureInfo.InvariantCulture), " chars)");
}
