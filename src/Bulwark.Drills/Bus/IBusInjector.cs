using Bulwark.Messaging;
using Bulwark.Messaging.Transport;

namespace Bulwark.Drills.Bus;

/// <summary>
/// A way onto the target's message bus from outside its code: a message published here reaches the target's consumers
/// through its own broker or transport, as one from its producers would (at-least-once, so possibly twice, in any order).
/// </summary>
public interface IBusInjector
{
    /// <summary>What the injector publishes to, for the report (e.g. <c>sqlite:/srv/shop/data/messaging.db</c>).</summary>
    string Description { get; }

    /// <summary>Publishes <paramref name="envelope"/> on <paramref name="topic"/>, to every queue bound to it.</summary>
    Task PublishAsync(string topic, MessageEnvelope envelope, CancellationToken cancellationToken);
}

/// <summary>An <see cref="IBusInjector"/> over a Bulwark transport (the embedded SQLite queue file, RabbitMQ, ...).</summary>
/// <param name="transport">The transport, connected to the same broker or file as the target.</param>
/// <param name="description">Where it publishes, for the report.</param>
public sealed class TransportBusInjector(IMessageTransport transport, string description) : IBusInjector
{
    /// <inheritdoc />
    public string Description => description;

    /// <inheritdoc />
    public Task PublishAsync(string topic, MessageEnvelope envelope, CancellationToken cancellationToken) =>
        transport.PublishAsync(topic, envelope, cancellationToken);
}
