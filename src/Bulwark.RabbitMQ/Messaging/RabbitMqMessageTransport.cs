using System.Collections.Concurrent;
using System.Globalization;
using Bulwark.Messaging;
using Bulwark.Messaging.DeadLetters;
using Bulwark.Messaging.Transport;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Bulwark.RabbitMQ.Messaging;

/// <summary>
/// RabbitMQ transport: topics are routing keys on one durable topic exchange, subscriptions are quorum queues,
/// every publish waits for its publisher confirm, retries wait in per-delay TTL queues that dead-letter back to the
/// source queue, and dead letters go to one quorum queue. The connection recovers automatically.
/// </summary>
public sealed partial class RabbitMqMessageTransport : IMessageTransport
{
    private readonly RabbitMqTransportOptions _options;
    private readonly ILogger<RabbitMqMessageTransport> _logger;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly ConcurrentDictionary<string, bool> _declared = new(StringComparer.Ordinal);
    private readonly IChannel?[] _publishChannels;
    private readonly SemaphoreSlim _publishChannelLock = new(1, 1);
    private readonly TransportConsumers<RabbitMqConsumer> _consumers = new();
    private readonly RabbitMqDeadLetterStore _deadLetters;
    private IConnection? _connection;
    private int _nextPublishChannel;

    /// <summary>Creates the transport; it connects on first use.</summary>
    /// <param name="options">The transport options.</param>
    /// <param name="timeProvider">The clock stamping dead letters.</param>
    /// <param name="logger">The logger.</param>
    public RabbitMqMessageTransport(RabbitMqTransportOptions options, TimeProvider timeProvider, ILogger<RabbitMqMessageTransport> logger)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        TimeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _deadLetters = new RabbitMqDeadLetterStore(this, options);
        _publishChannels = new IChannel?[options.PublishChannels];
    }

    /// <inheritdoc/>
    public string Name => "rabbitmq";

    /// <inheritdoc/>
    public IDeadLetterStore DeadLetters => _deadLetters;

    internal TimeProvider TimeProvider { get; }

    internal ILogger Logger => _logger;

    internal string DeadLetterQueueName => _options.DeadLetterQueue;

    internal SemaphoreSlim DeadLetterScanLock { get; } = new(1, 1);

    /// <inheritdoc/>
    public async Task PublishAsync(string topic, MessageEnvelope envelope, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(envelope);
        await EnsureExchangeAsync(cancellationToken).ConfigureAwait(false);

        // Not mandatory: a topic nobody subscribes to drops the message, as pub/sub means.
        await PublishRawAsync(_options.Exchange, topic, mandatory: false, AmqpEnvelope.ToProperties(envelope, 0), envelope.Body, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task SendAsync(string queue, MessageEnvelope envelope, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        ArgumentNullException.ThrowIfNull(envelope);
        await EnsureQueueAsync(queue, cancellationToken).ConfigureAwait(false);
        await PublishRawAsync(string.Empty, queue, mandatory: true, AmqpEnvelope.ToProperties(envelope, 0), envelope.Body, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IAsyncDisposable> ConsumeAsync(ConsumerEndpoint endpoint, Func<TransportDelivery, CancellationToken, Task> onDelivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(onDelivery);
        await EnsureQueueAsync(endpoint.Queue, cancellationToken).ConfigureAwait(false);
        if (endpoint.Topics.Count > 0)
        {
            await EnsureExchangeAsync(cancellationToken).ConfigureAwait(false);
            await WithTopologyChannelAsync(
                async channel =>
                {
                    foreach (var topic in endpoint.Topics)
                    {
                        await channel.QueueBindAsync(endpoint.Queue, _options.Exchange, topic, cancellationToken: cancellationToken).ConfigureAwait(false);
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }

        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var consumer = new RabbitMqConsumer(this, endpoint, onDelivery);
        await consumer.StartAsync(connection, cancellationToken).ConfigureAwait(false);
        _consumers.Add(consumer, this);

        return consumer;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!await _consumers.DisposeAllAsync().ConfigureAwait(false))
        {
            return;
        }

        for (var i = 0; i < _publishChannels.Length; i++)
        {
            if (Interlocked.Exchange(ref _publishChannels[i], null) is { } channel)
            {
                await channel.DisposeAsync().ConfigureAwait(false);
            }
        }

        if (_connection is not null)
        {
            await _connection.CloseAsync().ConfigureAwait(false);
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        _connectLock.Dispose();
        _publishChannelLock.Dispose();
        DeadLetterScanLock.Dispose();
    }

    internal void Forget(RabbitMqConsumer consumer) => _consumers.Forget(consumer);

    internal async Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_consumers.IsDisposed, this);
        if (_connection is { } existing)
        {
            return existing;
        }

        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is null)
            {
                var factory = new ConnectionFactory
                {
                    Uri = _options.ConnectionUri,
                    ClientProvidedName = _options.ClientName,
                    AutomaticRecoveryEnabled = true,
                    TopologyRecoveryEnabled = true,
                    NetworkRecoveryInterval = TimeSpan.FromSeconds(2),
                };
                _connection = await factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
                LogConnected(_logger, _options.ConnectionUri.Host, _options.ConnectionUri.Port);
            }

            return _connection;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>Publishes on a shared confirm channel and returns once the broker confirmed (throws on nack or return).</summary>
    internal async Task PublishRawAsync(string exchange, string routingKey, bool mandatory, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        // Many publishes share a channel, each awaiting its own confirm: the broker confirms them in batches, so
        // throughput no longer stops at one round trip per channel. The client bounds the confirms outstanding per
        // channel (128, throttled from half of that), which is the back-pressure a burst of publishers meets.
        var channel = await GetPublishChannelAsync(cancellationToken).ConfigureAwait(false);
        await channel.BasicPublishAsync(exchange, routingKey, mandatory, properties, body, cancellationToken).ConfigureAwait(false);
    }

    private ValueTask<IChannel> GetPublishChannelAsync(CancellationToken cancellationToken)
    {
        var slot = (int)((uint)Interlocked.Increment(ref _nextPublishChannel) % (uint)_publishChannels.Length);
        return Volatile.Read(ref _publishChannels[slot]) is { IsOpen: true } channel
            ? ValueTask.FromResult(channel)
            : new ValueTask<IChannel>(OpenPublishChannelAsync(slot, cancellationToken));
    }

    private async Task<IChannel> OpenPublishChannelAsync(int slot, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_consumers.IsDisposed, this);
        await _publishChannelLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var channel = _publishChannels[slot];
            if (channel is { IsOpen: true })
            {
                return channel;
            }

            if (channel is not null)
            {
                // Closed by a channel error (e.g. a missing exchange); its pending publishes have already failed.
                await channel.DisposeAsync().ConfigureAwait(false);
            }

            var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _publishChannels[slot], channel);
            return channel;
        }
        finally
        {
            _publishChannelLock.Release();
        }
    }

    internal async Task EnsureQueueAsync(string queue, CancellationToken cancellationToken)
    {
        await DeclareOnceAsync(
            "queue:" + _options.DeadLetterQueue,
            _options.DeadLetterQueue,
            channel => channel.QueueDeclareAsync(_options.DeadLetterQueue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: cancellationToken),
            cancellationToken).ConfigureAwait(false);
        await DeclareOnceAsync(
            "queue:" + queue,
            queue,
            channel => channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-dead-letter-exchange"] = string.Empty,
                ["x-dead-letter-routing-key"] = _options.DeadLetterQueue,
                ["x-delivery-limit"] = _options.BrokerDeliveryLimit,
            }, cancellationToken: cancellationToken),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A classic queue per (source queue, delay) whose messages expire after the delay and dead-letter back to the
    /// source queue. Equal TTLs per queue mean no message waits behind a longer one; idle retry queues delete themselves.
    /// </summary>
    internal async Task<string> EnsureRetryQueueAsync(string queue, TimeSpan delay, CancellationToken cancellationToken)
    {
        var milliseconds = Bucket((long)Math.Max(1, delay.TotalMilliseconds));
        var name = queue + ".retry." + milliseconds.ToString(CultureInfo.InvariantCulture);
        await DeclareOnceAsync(
            "queue:" + name,
            name,
            channel => channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
            {
                ["x-message-ttl"] = milliseconds,
                ["x-dead-letter-exchange"] = string.Empty,
                ["x-dead-letter-routing-key"] = queue,
                ["x-expires"] = milliseconds + 60_000,
            }, cancellationToken: cancellationToken),
            cancellationToken).ConfigureAwait(false);
        return name;
    }

    internal Task EnsureExchangeAsync(CancellationToken cancellationToken) =>
        DeclareOnceAsync(
            "exchange:" + _options.Exchange,
            _options.Exchange,
            channel => channel.ExchangeDeclareAsync(_options.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken),
            cancellationToken);

    internal async Task WithTopologyChannelAsync(Func<IChannel, Task> work, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (channel.ConfigureAwait(false))
        {
            await work(channel).ConfigureAwait(false);
            await channel.CloseAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Rounds a delay to two significant digits so jittered delays share a bounded set of retry queues.</summary>
    internal static long Bucket(long milliseconds)
    {
        var magnitude = 1L;
        while (milliseconds / magnitude >= 100)
        {
            magnitude *= 10;
        }

        return milliseconds / magnitude * magnitude;
    }

    private async Task DeclareOnceAsync(string key, string name, Func<IChannel, Task> declare, CancellationToken cancellationToken)
    {
        if (_declared.ContainsKey(key))
        {
            return;
        }

        await WithTopologyChannelAsync(declare, cancellationToken).ConfigureAwait(false);
        _declared[key] = true;
        _options.TopologyObserver?.Invoke(name);
    }
}
