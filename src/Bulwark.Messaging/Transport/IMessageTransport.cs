using Bulwark.Messaging.DeadLetters;

namespace Bulwark.Messaging.Transport;

/// <summary>
/// The transport port: durable topics, queues and a dead-letter store. Retry and dead-letter decisions are the
/// bus's; a transport only offers ack, delayed redelivery and dead-lettering. Every adapter passes the contract suite.
/// </summary>
public interface IMessageTransport : IAsyncDisposable
{
    /// <summary>A short name for logs and metrics, e.g. <c>sqlite</c>.</summary>
    string Name { get; }

    /// <summary>The dead-letter store of this transport.</summary>
    IDeadLetterStore DeadLetters { get; }

    /// <summary>Delivers a copy to every subscription bound to <paramref name="topic"/>.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="envelope">The message.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes once the message is durable.</returns>
    Task PublishAsync(string topic, MessageEnvelope envelope, CancellationToken cancellationToken);

    /// <summary>Enqueues on one queue, creating it when missing.</summary>
    /// <param name="queue">The queue.</param>
    /// <param name="envelope">The message.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes once the message is durable.</returns>
    Task SendAsync(string queue, MessageEnvelope envelope, CancellationToken cancellationToken);

    /// <summary>Declares the endpoint's queue and topic bindings, then starts delivering to <paramref name="onDelivery"/>.</summary>
    /// <param name="endpoint">The queue, its topics and flow control.</param>
    /// <param name="onDelivery">Called for each delivery; it must settle the delivery (ack, retry or dead-letter).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running consumer; dispose it to stop (unsettled deliveries are redelivered later).</returns>
    Task<IAsyncDisposable> ConsumeAsync(ConsumerEndpoint endpoint, Func<TransportDelivery, CancellationToken, Task> onDelivery, CancellationToken cancellationToken);
}
