using System.Diagnostics;
using Bulwark.Messaging.ClaimCheck;
using Bulwark.Messaging.DeadLetters;
using Bulwark.Messaging.Diagnostics;
using Bulwark.Messaging.Retries;
using Bulwark.Messaging.Serialization;
using Bulwark.Messaging.Subscriptions;
using Bulwark.Messaging.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Messaging.Bus;

internal sealed partial class MessageBus : IMessageBus, IAsyncDisposable
{
    internal const string NoTransport = "No message transport is configured: call UseSqliteTransport() (embedded) or UseRabbitMq(...) on the builder returned by AddBulwarkMessaging().";

    private readonly IMessageTransport? _transport;
    private readonly MessageTypeRegistry _types;
    private readonly IMessageSerializer _serializer;
    private readonly ClaimCheckProcessor _claimCheck;
    private readonly IDeadLetterAdmin? _deadLetters;
    private readonly MessagingMetrics _metrics;
    private readonly IJitterSource _jitter;
    private readonly IServiceScopeFactory _scopes;
    private readonly MessagingOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<MessageBus> _logger;
    private readonly List<Consumer> _consumers = [];
    private readonly Lock _lock = new();
    private bool _disposed;

    // No transport (and so no dead-letter admin) is allowed at construction: using the bus then fails naming the fix.
    public MessageBus(
        IMessageTransport? transport,
        IDeadLetterAdmin? deadLetters,
        MessageTypeRegistry types,
        IMessageSerializer serializer,
        ClaimCheckProcessor claimCheck,
        MessagingMetrics metrics,
        IJitterSource jitter,
        IServiceScopeFactory scopes,
        IOptions<MessagingOptions> options,
        TimeProvider timeProvider,
        ILogger<MessageBus> logger)
    {
        _transport = transport;
        _deadLetters = deadLetters;
        _types = types;
        _serializer = serializer;
        _claimCheck = claimCheck;
        _metrics = metrics;
        _jitter = jitter;
        _scopes = scopes;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    private IMessageTransport Transport => _transport ?? throw new InvalidOperationException(NoTransport);

    public async Task<MessageEnvelope> PublishAsync<TMessage>(TMessage message, MessageOptions? options = null, CancellationToken cancellationToken = default)
        where TMessage : notnull
    {
        ArgumentNullException.ThrowIfNull(message);
        var envelope = CreateEnvelope(message, options);
        await PublishAsync(MessageDestination.Topic(_types.GetTopic(message.GetType())), envelope, cancellationToken).ConfigureAwait(false);
        return envelope;
    }

    public async Task<MessageEnvelope> SendAsync<TMessage>(string queue, TMessage message, MessageOptions? options = null, CancellationToken cancellationToken = default)
        where TMessage : notnull
    {
        ArgumentNullException.ThrowIfNull(message);
        var envelope = CreateEnvelope(message, options);
        await PublishAsync(MessageDestination.Queue(queue), envelope, cancellationToken).ConfigureAwait(false);
        return envelope;
    }

    public async Task PublishAsync(MessageDestination destination, MessageEnvelope envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var transport = Transport;
        var operation = destination.Kind == MessageDestinationKind.Topic ? "publish" : "send";
        using var activity = MessageTracing.StartPublish(envelope, operation, destination.Name, transport.Name);
        envelope = MessageTracing.Stamp(envelope, activity);

        envelope = await _claimCheck.CheckInAsync(envelope, cancellationToken).ConfigureAwait(false);
        if (destination.Kind == MessageDestinationKind.Topic)
        {
            await transport.PublishAsync(destination.Name, envelope, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await transport.SendAsync(destination.Name, envelope, cancellationToken).ConfigureAwait(false);
        }
    }

    public MessageEnvelope CreateEnvelope(object message, MessageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (type, body) = _serializer.Serialize(message);
        var activity = Activity.Current;
        return new MessageEnvelope
        {
            MessageId = options?.MessageId ?? Guid.CreateVersion7(_timeProvider.GetUtcNow()).ToString(),
            MessageType = type,
            // A message sent while handling a request or a message keeps that conversation's id unless told otherwise.
            CorrelationId = options?.CorrelationId ?? activity?.GetBaggageItem(MessageHeaders.CorrelationBaggage),
            CausationId = options?.CausationId,
            TraceParent = activity?.Id,
            TraceState = activity?.TraceStateString,
            Deadline = options?.Deadline,
            Timestamp = _timeProvider.GetUtcNow(),
            Headers = options?.Headers is { } headers ? new Dictionary<string, string>(headers, StringComparer.Ordinal) : new Dictionary<string, string>(StringComparer.Ordinal),
            Body = body,
        };
    }

    public async Task<IAsyncDisposable> SubscribeAsync(SubscriptionDefinition subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var pipeline = new ConsumerPipeline(
            subscription,
            subscription.Retry ?? _options.Retry,
            _serializer,
            _claimCheck,
            _deadLetters ?? throw new InvalidOperationException(NoTransport),
            Transport.Name,
            _metrics,
            _jitter,
            _timeProvider,
            _scopes,
            _logger);
        var endpoint = new ConsumerEndpoint(subscription.Name, subscription.Topics, subscription.Prefetch ?? _options.Prefetch, subscription.Concurrency ?? _options.Concurrency);
        var running = await Transport.ConsumeAsync(endpoint, pipeline.HandleAsync, cancellationToken).ConfigureAwait(false);
        // Once per subscription, so joining the topics up front costs nothing worth guarding.
        var topics = string.Join(", ", subscription.Topics);
        LogSubscribed(_logger, subscription.Name, topics, Transport.Name);
        var consumer = new Consumer(this, running);
        lock (_lock)
        {
            _consumers.Add(consumer);
        }

        return consumer;
    }

    public async ValueTask DisposeAsync()
    {
        Consumer[] consumers;
        lock (_lock)
        {
            _disposed = true;
            consumers = [.. _consumers];
            _consumers.Clear();
        }

        foreach (var consumer in consumers)
        {
            await consumer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class Consumer(MessageBus bus, IAsyncDisposable running) : IAsyncDisposable
    {
        private int _disposed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            lock (bus._lock)
            {
                bus._consumers.Remove(this);
            }

            await running.DisposeAsync().ConfigureAwait(false);
        }
    }
}
