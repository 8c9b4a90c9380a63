using Bulwark.Messaging.Retries;

namespace Bulwark.Messaging.Subscriptions;

/// <summary>A named subscription: one durable queue, the topics copied into it and the handlers per message type.</summary>
public sealed class SubscriptionDefinition
{
    internal SubscriptionDefinition(
        string name,
        IReadOnlyList<string> topics,
        IReadOnlyDictionary<Type, Func<object, MessageContext, CancellationToken, Task>> handlers,
        int? prefetch,
        int? concurrency,
        RetryOptions? retry)
    {
        Name = name;
        Topics = topics;
        Handlers = handlers;
        Prefetch = prefetch;
        Concurrency = concurrency;
        Retry = retry;
    }

    /// <summary>The subscription (queue) name; consumers with the same name compete, different names each get a copy.</summary>
    public string Name { get; }

    /// <summary>The topics this subscription receives.</summary>
    public IReadOnlyList<string> Topics { get; }

    /// <summary>The message types handled.</summary>
    public IEnumerable<Type> MessageTypes => Handlers.Keys;

    /// <summary>The prefetch override, if any.</summary>
    public int? Prefetch { get; }

    /// <summary>The concurrency override, if any.</summary>
    public int? Concurrency { get; }

    /// <summary>The retry override, if any.</summary>
    public RetryOptions? Retry { get; }

    internal IReadOnlyDictionary<Type, Func<object, MessageContext, CancellationToken, Task>> Handlers { get; }

    /// <summary>Builds a subscription.</summary>
    /// <param name="name">The subscription (queue) name.</param>
    /// <param name="configure">Adds topics and handlers.</param>
    /// <returns>The definition.</returns>
    public static SubscriptionDefinition Create(string name, Action<SubscriptionBuilder> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new SubscriptionBuilder(name);
        configure(builder);
        return builder.Build();
    }
}
