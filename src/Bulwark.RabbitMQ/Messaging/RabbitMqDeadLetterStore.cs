using System.Globalization;
using Bulwark.Messaging;
using Bulwark.Messaging.DeadLetters;
using RabbitMQ.Client;

namespace Bulwark.RabbitMQ.Messaging;

/// <summary>
/// The DLQ is a quorum queue, and queues cannot be queried: each admin operation reads up to the scan limit with
/// <c>basic.get</c> (unacknowledged), acts on the matching entries (republish then ack, or ack to purge), and closes
/// the channel so the broker requeues the rest. Operations in one process are serialized.
/// </summary>
internal sealed class RabbitMqDeadLetterStore(RabbitMqMessageTransport transport, RabbitMqTransportOptions options) : IDeadLetterStore
{
    public Task<IReadOnlyList<DeadLetter>> ListAsync(DeadLetterFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return ScanAsync<IReadOnlyList<DeadLetter>>(
            (_, entries) => Task.FromResult<IReadOnlyList<DeadLetter>>([.. entries.Select(e => e.DeadLetter).Where(filter.Matches).OrderBy(d => d.DeadLetteredAt).Take(filter.Limit)]),
            _ => 0,
            cancellationToken);
    }

    public Task<int> RedriveAsync(DeadLetterFilter filter, CancellationToken cancellationToken) =>
        AckMatchingAsync(
            filter,
            async dead =>
            {
                var redrives = dead.Envelope.Headers.TryGetValue(MessageHeaders.RedriveCount, out var c) ? int.Parse(c, CultureInfo.InvariantCulture) : 0;
                var envelope = dead.Envelope.WithHeader(MessageHeaders.RedriveCount, (redrives + 1).ToString(CultureInfo.InvariantCulture));
                await transport.EnsureQueueAsync(dead.SourceQueue, cancellationToken).ConfigureAwait(false);
                await transport.PublishRawAsync(string.Empty, dead.SourceQueue, mandatory: true, AmqpEnvelope.ToProperties(envelope, 0), envelope.Body, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);

    public Task<int> PurgeAsync(DeadLetterFilter filter, CancellationToken cancellationToken) =>
        AckMatchingAsync(filter, static _ => Task.CompletedTask, cancellationToken);

    // Redrive and purge differ only in what happens to a matching letter before it leaves the dead-letter queue (its ack).
    private Task<int> AckMatchingAsync(DeadLetterFilter filter, Func<DeadLetter, Task> beforeAck, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return ScanAsync(
            async (channel, entries) =>
            {
                var count = 0;
                foreach (var (tag, dead) in entries.Where(e => filter.Matches(e.DeadLetter)).Take(filter.Limit))
                {
                    await beforeAck(dead).ConfigureAwait(false);
                    await channel.BasicAckAsync(tag, multiple: false, cancellationToken).ConfigureAwait(false);
                    count++;
                }

                return count;
            },
            count => count,
            cancellationToken);
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await transport.EnsureQueueAsync(options.DeadLetterQueue, cancellationToken).ConfigureAwait(false);
        var connection = await transport.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (channel.ConfigureAwait(false))
        {
            var count = await channel.MessageCountAsync(options.DeadLetterQueue, cancellationToken).ConfigureAwait(false);
            await channel.CloseAsync(cancellationToken).ConfigureAwait(false);
            return count;
        }
    }

    private async Task<T> ScanAsync<T>(Func<IChannel, List<(ulong Tag, DeadLetter DeadLetter)>, Task<T>> action, Func<T, int> removed, CancellationToken cancellationToken)
    {
        await transport.EnsureQueueAsync(options.DeadLetterQueue, cancellationToken).ConfigureAwait(false);
        await transport.DeadLetterScanLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await transport.ConnectAsync(cancellationToken).ConfigureAwait(false);
            var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await using (channel.ConfigureAwait(false))
            {
                var entries = new List<(ulong, DeadLetter)>();
                while (entries.Count < options.DeadLetterScanLimit
                    && await channel.BasicGetAsync(options.DeadLetterQueue, autoAck: false, cancellationToken).ConfigureAwait(false) is { } result)
                {
                    entries.Add((result.DeliveryTag, Decode(result)));
                }

                var outcome = await action(channel, entries).ConfigureAwait(false);

                // Closing returns every entry that was read but not acknowledged to the queue.
                await channel.CloseAsync(cancellationToken).ConfigureAwait(false);
                await WaitForReturnsAsync(entries.Count - removed(outcome), cancellationToken).ConfigureAwait(false);
                return outcome;
            }
        }
        finally
        {
            transport.DeadLetterScanLock.Release();
        }
    }

    /// <summary>
    /// Returned entries reappear asynchronously; wait (bounded) until they are countable again so the next admin call
    /// in this process reads its own writes.
    /// </summary>
    private async Task WaitForReturnsAsync(int returned, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 100 && returned > 0; i++)
        {
            if (await CountAsync(cancellationToken).ConfigureAwait(false) >= returned)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), transport.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private static DeadLetter Decode(BasicGetResult result)
    {
        var headers = result.BasicProperties.Headers;
        var attempts = (int)(AmqpEnvelope.GetLong(headers, AmqpEnvelope.DlqAttempts) ?? AmqpEnvelope.GetLong(headers, AmqpEnvelope.FailedAttempts) ?? 0);
        var envelope = AmqpEnvelope.FromProperties(result.BasicProperties, result.Body, attempts);

        // Entries the broker dead-lettered itself (x-delivery-limit) carry RabbitMQ's x-first-death-* headers instead of ours.
        return new DeadLetter
        {
            Id = AmqpEnvelope.GetString(headers, AmqpEnvelope.DlqId) ?? "broker-" + envelope.MessageId,
            SourceQueue = AmqpEnvelope.GetString(headers, AmqpEnvelope.DlqSource) ?? AmqpEnvelope.GetString(headers, "x-first-death-queue") ?? string.Empty,
            Envelope = envelope,
            Reason = AmqpEnvelope.GetString(headers, AmqpEnvelope.DlqReason)
                ?? "dead-lettered by the broker: " + (AmqpEnvelope.GetString(headers, "x-first-death-reason") ?? "unknown reason"),
            ExceptionType = AmqpEnvelope.GetString(headers, AmqpEnvelope.DlqExceptionType),
            StackTrace = AmqpEnvelope.GetString(headers, AmqpEnvelope.DlqStackTrace),
            Attempts = attempts,
            Permanent = AmqpEnvelope.GetLong(headers, AmqpEnvelope.DlqPermanent) == 1,
            DeadLetteredAt = AmqpEnvelope.GetLong(headers, AmqpEnvelope.DlqAt) is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : envelope.Timestamp,
        };
    }
}
