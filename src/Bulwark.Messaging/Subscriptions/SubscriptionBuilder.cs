using Bulwark.Messaging.Retries;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Messaging.Subscriptions;

/// <summary>Configures one subscription: topics, handlers, flow control and retries.</summary>
public sealed class SubscriptionBuilder
{
    private readonly string _name;
    private readonly List<string> _topics = [];
    private readonly Dictionary<Type, Func<object, MessageContext, CancellationToken, Task>> _handlers = [];
    private int? _prefetch;
    private int? _concurrency;
    private RetryOptions? _retry;

    internal SubscriptionBuilder(string name) => _name = name;

    /// <summary>Receives a copy of every message published to <paramref name="topic"/>.</summary>
    /// <param name="topic">The topic.</param>
    /// <returns>The builder.</returns>
    public SubscriptionBuilder FromTopic(string topic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        _topics.Add(topic);
        return this;
    }

    /// <summary>Handles <typeparamref name="TMessage"/> with a delegate.</summary>
    /// <typeparam name="TMessage">The message type.</typeparam>
    /// <param name="handler">The handler; it must be idempotent.</param>
    /// <returns>The builder.</returns>
    public SubscriptionBuilder Handle<TMessage>(Func<TMessage, MessageContext, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers[typeof(TMessage)] = (message, context, ct) => handler((TMessage)message, context, ct);
        return this;
    }

    /// <summary>Handles <typeparamref name="TMessage"/> with <typeparamref name="THandler"/> from the delivery's DI scope.</summary>
    /// <typeparam name="TMessage">The message type.</typeparam>
    /// <typeparam name="THandler">The handler type (registered in DI, or created with its dependencies).</typeparam>
    /// <returns>The builder.</returns>
    public SubscriptionBuilder Handle<TMessage, THandler>()
        where THandler : IMessageHandler<TMessage>
    {
        _handlers[typeof(TMessage)] = (message, context, ct) =>
            ActivatorUtilities.GetServiceOrCreateInstance<THandler>(context.Services).HandleAsync((TMessage)message, context, ct);
        return this;
    }

    /// <summary>Sets flow control for this subscription.</summary>
    /// <param name="prefetch">Unsettled deliveries held per consumer.</param>
    /// <param name="concurrency">Deliveries handled in parallel per consumer.</param>
    /// <returns>The builder.</returns>
    public SubscriptionBuilder WithFlowControl(int prefetch, int concurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(prefetch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        _prefetch = prefetch;
        _concurrency = concurrency;
        return this;
    }

    /// <summary>Overrides the bus-wide retry policy for this subscription.</summary>
    /// <param name="configure">Adjusts a copy of the defaults.</param>
    /// <returns>The builder.</returns>
    public SubscriptionBuilder WithRetry(Action<RetryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _retry = new RetryOptions();
        configure(_retry);
        return this;
    }

    internal SubscriptionDefinition Build() => new(_name, [.. _topics], new Dictionary<Type, Func<object, MessageContext, CancellationToken, Task>>(_handlers), _prefetch, _concurrency, _retry);
}
