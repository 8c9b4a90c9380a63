using Bulwark.Messaging.Transport;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Bulwark.RabbitMQ.Messaging;

/// <summary>One channel per consumer with prefetch (QoS) and parallel dispatch; closing it requeues what was not settled.</summary>
internal sealed class RabbitMqConsumer(RabbitMqMessageTransport transport, ConsumerEndpoint endpoint, Func<TransportDelivery, CancellationToken, Task> onDelivery) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private IChannel? _channel;
    private string? _consumerTag;
    private int _inFlight;
    private int _disposed;

    public async Task StartAsync(IConnection connection, CancellationToken cancellationToken)
    {
        var concurrency = (ushort)Math.Clamp(endpoint.Concurrency, 1, ushort.MaxValue);
        _channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: concurrency), cancellationToken).ConfigureAwait(false);
        await _channel.BasicQosAsync(0, (ushort)Math.Clamp(endpoint.Prefetch, 1, ushort.MaxValue), global: false, cancellationToken).ConfigureAwait(false);
        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += OnReceivedAsync;
        _consumerTag = await _channel.BasicConsumeAsync(endpoint.Queue, autoAck: false, consumer, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_channel is not null)
        {
            try
            {
                if (_channel.IsOpen && _consumerTag is not null)
                {
                    await _channel.BasicCancelAsync(_consumerTag).ConfigureAwait(false);
                }

                // Handlers saw the cancellation; give them a moment to return before the channel closes and requeues.
                var waited = 0;
                while (Volatile.Read(ref _inFlight) > 0 && waited++ < 200)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(50), transport.TimeProvider).ConfigureAwait(false);
                }

                if (_channel.IsOpen)
                {
                    await _channel.CloseAsync().ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is global::RabbitMQ.Client.Exceptions.AlreadyClosedException or global::RabbitMQ.Client.Exceptions.OperationInterruptedException or ObjectDisposedException)
            {
                // Already gone: the broker requeues everything unacknowledged.
            }

            await _channel.DisposeAsync().ConfigureAwait(false);
        }

        transport.Forget(this);
        _stop.Dispose();
    }

    private async Task OnReceivedAsync(object sender, BasicDeliverEventArgs args)
    {
        if (_stop.IsCancellationRequested)
        {
            // Stopping: leave it unacknowledged; closing the channel requeues it.
            return;
        }

        Interlocked.Increment(ref _inFlight);
        try
        {
            var failed = (int)(AmqpEnvelope.GetLong(args.BasicProperties.Headers, AmqpEnvelope.FailedAttempts) ?? 0);
            var redeliveries = (int)(AmqpEnvelope.GetLong(args.BasicProperties.Headers, "x-delivery-count") ?? (args.Redelivered ? 1 : 0));
            var envelope = AmqpEnvelope.FromProperties(args.BasicProperties, args.Body, failed + redeliveries + 1);
            var delivery = new RabbitMqDelivery(transport, _channel!, args.DeliveryTag, endpoint.Queue, envelope);
            await onDelivery(delivery, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Unsettled; requeued when the channel closes.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Settling failed (e.g. the connection dropped): the broker redelivers the unacknowledged message.
            RabbitMqMessageTransport.LogDeliveryFailed(transport.Logger, endpoint.Queue, e);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
